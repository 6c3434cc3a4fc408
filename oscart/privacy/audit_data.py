"""The audit log seen by privacy: a person's events, their anonymisation, and their retention purge.

Changes go through the audit feature's redaction and checkpointed purge, so the hash chain still verifies.
"""

from sqlalchemy import String, cast, func, or_, select

from oscart.audit.models import AuditEvent
from oscart.audit.redaction import redact_events
from oscart.audit.retention import purge_events
from oscart.auth.models import UserSession
from oscart.core.database import LIKE_ESCAPE, contains_pattern
from oscart.core.extensions import db
from oscart.core.personal_data import identifying_texts
from oscart.privacy.models import Consent

ERASED = "[erased]"


def audit_events_about(user):
    rows = db.session.execute(
        select(AuditEvent.at, AuditEvent.action, AuditEvent.target, AuditEvent.ip, AuditEvent.details,
               (AuditEvent.actor_id == user.id).label("by_you"))
        .where(or_(AuditEvent.subject_id == user.id, AuditEvent.actor_id == user.id))
        .order_by(AuditEvent.id)
    )
    return [{"at": row.at.isoformat(), "action": row.action, "target": row.target, "ip": row.ip,
             "details": row.details, "by_you": bool(row.by_you)} for row in rows]


def known_ips(user):
    """Every IP address the portal stored for the person."""
    ips = {user.last_login_ip} if user.last_login_ip else set()
    for column, owner in ((UserSession.ip, UserSession.user_id), (Consent.ip, Consent.user_id)):
        ips.update(db.session.scalars(select(column).where(owner == user.id, column.is_not(None))))
    ips.update(db.session.scalars(select(AuditEvent.ip).where(
        or_(AuditEvent.subject_id == user.id, AuditEvent.actor_id == user.id), AuditEvent.ip.is_not(None))))
    ips.discard("unknown")
    return ips


def scrub(value, needles):
    """``value`` with every string that contains one of ``needles`` replaced."""
    if isinstance(value, str):
        return ERASED if any(needle in value.casefold() for needle in needles) else value
    if isinstance(value, dict):
        return {key: scrub(item, needles) for key, item in value.items()}
    if isinstance(value, list):
        return [scrub(item, needles) for item in value]
    return value


def anonymise_audit_events(user):
    """Remove the person's name, e-mail and IP addresses from every audit event; the events stay,
    redacted in a way the hash chain accepts (see oscart.audit.redaction)."""
    ips = known_ips(user)
    needles = identifying_texts(user) | {ip.casefold() for ip in ips}
    text = func.lower(cast(AuditEvent.details, String))
    conditions = [AuditEvent.subject_id == user.id, AuditEvent.actor_id == user.id,
                  *(text.like(contains_pattern(needle), escape=LIKE_ESCAPE) for needle in needles),
                  *(func.lower(AuditEvent.target).like(contains_pattern(needle), escape=LIKE_ESCAPE)
                    for needle in needles)]
    if ips:
        conditions.append(AuditEvent.ip.in_(ips))

    def scrub_event(event):
        event.ip = None if event.ip in ips or event.subject_id == user.id else event.ip
        event.target = scrub(event.target, needles)
        event.details = scrub(event.details or {}, needles)

    return redact_events((or_(*conditions),), scrub_event, reason="erasure")


def failed_logins_past(before):
    """Conditions on AuditEvent: failed-login records from before ``before`` (a value or a bindparam()) that still
    hold what was typed."""
    return AuditEvent.at < before, AuditEvent.action == "login.failed", AuditEvent.redacted_at.is_(None)


def redact_failed_logins(before):
    """Failed-login records past their period lose the address typed, the IP and the details."""
    def scrub_event(event):
        event.ip, event.target, event.details = None, None, {}

    return redact_events(failed_logins_past(before), scrub_event, reason="retention:failed_logins")


def events_past(before):
    """Conditions on AuditEvent: the events a purge before ``before`` counts."""
    return (AuditEvent.at < before,)


def purge_audit_events(before):
    """Delete audit events older than ``before``, leaving a checkpoint so the rest still verifies."""
    return purge_events(before)


def ips_past(before, skip_actions=()):
    """Conditions on AuditEvent: IP addresses older than ``before`` (``skip_actions``: events redacted by a
    shorter period)."""
    return AuditEvent.at < before, AuditEvent.ip.is_not(None), AuditEvent.action.not_in(skip_actions)


def clear_audit_ips(before, *, skip_actions=()):
    """Remove IP addresses older than ``before`` (``skip_actions``: events redacted by a shorter period)."""
    def scrub_event(event):
        event.ip = None

    return redact_events(ips_past(before, skip_actions), scrub_event, reason="retention:ip_addresses")
