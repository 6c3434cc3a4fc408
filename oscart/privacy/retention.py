"""Retention: what is past its period (``policy.RETENTION``) is deleted or anonymised.

Every step is ``func(now) -> count``. A dry run counts exactly what a run would change, with the steps' own
conditions, in one statement (and one per feature's purger of anonymised records); a second run finds nothing
more to do.
"""

from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, select, update

from oscart.accounts.models import User
from oscart.audit.models import AuditEvent
from oscart.auth.models import UserSession
from oscart.core import personal_data as registry
from oscart.core.database import rows as column_rows
from oscart.core.extensions import db
from oscart.core.security import PLATFORM_ADMIN
from oscart.mail.models import SENT, OutboxMessage
from oscart.mail.services import mail_user
from oscart.privacy import policy
from oscart.privacy.audit_data import (
    clear_audit_ips,
    events_past,
    failed_logins_past,
    ips_past,
    purge_audit_events,
    redact_failed_logins,
)
from oscart.privacy.erasure import erase_user
from oscart.privacy.models import InactivityWarning


@dataclass
class Step:
    key: str
    label: object
    count: int


def _before(key, now):
    return now - policy.retention(key).period


def failed_logins(now):
    return redact_failed_logins(_before("failed_logins", now))


def _ip_targets(before):
    return ((UserSession, (UserSession.last_seen_at < before, UserSession.ip.is_not(None)),
             {"ip": None, "user_agent": None}),
            (User, (User.last_login_at < before, User.last_login_ip.is_not(None)), {"last_login_ip": None}))


def _skipped_by_ip_addresses():
    # Failed logins older than this are redacted by their own, shorter period: do not count them twice.
    shorter = policy.retention("failed_logins").period <= policy.retention("ip_addresses").period
    return ("login.failed",) if shorter else ()


def ip_addresses(now):
    before = _before("ip_addresses", now)
    count = clear_audit_ips(before, skip_actions=_skipped_by_ip_addresses())
    for model, condition, values in _ip_targets(before):
        count += db.session.execute(update(model).where(*condition).values(**values)).rowcount
    return count


def audit_events(now):
    return purge_audit_events(_before("audit_events", now))


def _mail_bodies_past(before):
    return OutboxMessage.status == SENT, OutboxMessage.sent_at < before, OutboxMessage.body_text != ""


def mail_bodies(now):
    return db.session.execute(update(OutboxMessage).where(*_mail_bodies_past(_before("mail_bodies", now)))
                              .values(body_text="", body_html=None)).rowcount


def _last_activity():
    return func.coalesce(User.last_login_at, User.created_at)


def _to_warn(cutoff):
    """Conditions on User: people to warn, whose last activity is before ``cutoff`` (the period less the notice)."""
    return (_last_activity() < cutoff, User.is_anonymised.is_(False), User.role != PLATFORM_ADMIN,
            User.id.not_in(select(InactivityWarning.user_id)))


def inactive_warnings(now):
    """Warn accounts that reach the inactivity period within INACTIVE_WARNING_DAYS."""
    notice = timedelta(days=policy.INACTIVE_WARNING_DAYS)
    users = db.session.scalars(select(User).where(*_to_warn(_before("inactive_accounts", now) + notice))).all()
    for user in users:
        db.session.add(InactivityWarning(user_id=user.id, warned_at=now))
        mail_user(user, "privacy_inactive_warning", _l("Your Oscart account will be removed"),
                  days=policy.INACTIVE_WARNING_DAYS)
    return len(users)


def inactive_accounts(now):
    """Anonymise warned accounts still not used after the notice; forget warnings of returning users."""
    notice = timedelta(days=policy.INACTIVE_WARNING_DAYS)
    rows = db.session.execute(select(User, InactivityWarning).join(
        InactivityWarning, InactivityWarning.user_id == User.id).where(User.is_anonymised.is_(False))).all()
    due = [user for user, warning in rows
           if warning.warned_at <= now - notice and _last(user) < warning.warned_at]
    for user, warning in rows:
        if _last(user) >= warning.warned_at:
            db.session.delete(warning)
    for user in due:
        erase_user(user, actor=None)
    return len(due)


def _last(user):
    return user.last_login_at or user.created_at


def anonymised_records(now, dry_run=False):
    """Records kept anonymised for statistics, of people erased longer ago than the period (every feature's)."""
    users = select(User.id).where(User.is_anonymised.is_(True),
                                  User.anonymised_at < _before("anonymised_records", now))
    return sum(func_(users, dry_run=dry_run) for func_ in registry.purgers().values())


STEPS = (
    ("failed_logins", failed_logins),
    ("ip_addresses", ip_addresses),
    ("audit_events", audit_events),
    ("mail_bodies", mail_bodies),
    ("inactive_warned", inactive_warnings),
    ("inactive_accounts", inactive_accounts),
    ("anonymised_records", anonymised_records),
)
STEP_LABELS = {"inactive_warned": _l("Inactive accounts warned by e-mail")}


def purge(*, now, dry_run):
    """Apply (or, with ``dry_run``, count) every retention step; returns the steps with their counts."""
    counted = _counts(now) if dry_run else {}
    steps = []
    for key, func_ in STEPS:
        label = STEP_LABELS[key] if key in STEP_LABELS else policy.retention(key).label
        steps.append(Step(key, label, (counted[key] if dry_run else func_(now)) or 0))
    return steps


def _counts(now):
    """{step key: what it would change}: the steps' conditions counted in one statement, the features' purgers of
    anonymised records each in its own."""
    notice = timedelta(days=policy.INACTIVE_WARNING_DAYS)
    values = {key: _before(key, now) for key in ("failed_logins", "ip_addresses", "audit_events", "mail_bodies")}
    values.update(warn_before=_before("inactive_accounts", now) + notice, notice_before=now - notice)
    counts = column_rows(_counts_statement(_skipped_by_ip_addresses()), values)[0]._asdict()
    return {**counts, "anonymised_records": anonymised_records(now, dry_run=True)}


def _count(column, conditions):
    return select(func.count(column)).where(*conditions).scalar_subquery()


@lru_cache(maxsize=2)
def _counts_statement(skip_actions):
    """Built once: the counts of every step but the anonymised records, with the cut-off moments bound."""
    ip_before = bindparam("ip_addresses")
    due = (select(func.count(User.id)).join(InactivityWarning, InactivityWarning.user_id == User.id)
           .where(User.is_anonymised.is_(False), InactivityWarning.warned_at <= bindparam("notice_before"),
                  _last_activity() < InactivityWarning.warned_at).scalar_subquery())
    counts = {
        "failed_logins": _count(AuditEvent.id, failed_logins_past(bindparam("failed_logins"))),
        "ip_addresses": sum((_count(model.id, condition) for model, condition, _values in _ip_targets(ip_before)),
                            _count(AuditEvent.id, ips_past(ip_before, skip_actions))),
        "audit_events": _count(AuditEvent.id, events_past(bindparam("audit_events"))),
        "mail_bodies": _count(OutboxMessage.id, _mail_bodies_past(bindparam("mail_bodies"))),
        "inactive_warned": _count(User.id, _to_warn(bindparam("warn_before"))),
        "inactive_accounts": due,
    }
    return select(*(count.label(key) for key, count in counts.items()))
