"""Retention: what is past its period (``policy.RETENTION``) is deleted or anonymised.

Every step is ``func(now, dry_run) -> count``; a dry run counts exactly what a run would change, and a
second run finds nothing more to do.
"""

from dataclasses import dataclass
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from oscart.accounts.models import User
from oscart.auth.models import UserSession
from oscart.core import personal_data as registry
from oscart.core.extensions import db
from oscart.core.security import PLATFORM_ADMIN
from oscart.mail.models import SENT, OutboxMessage
from oscart.mail.services import mail_user
from oscart.privacy import policy
from oscart.privacy.audit_data import clear_audit_ips, purge_audit_events, redact_failed_logins
from oscart.privacy.erasure import erase_user
from oscart.privacy.models import InactivityWarning


@dataclass
class Step:
    key: str
    label: object
    count: int


def _before(key, now):
    return now - policy.retention(key).period


def failed_logins(now, dry_run):
    return redact_failed_logins(_before("failed_logins", now), dry_run=dry_run)


def ip_addresses(now, dry_run):
    before = _before("ip_addresses", now)
    targets = (
        (UserSession, (UserSession.last_seen_at < before, UserSession.ip.is_not(None)),
         {"ip": None, "user_agent": None}),
        (User, (User.last_login_at < before, User.last_login_ip.is_not(None)), {"last_login_ip": None}),
    )
    # Failed logins older than this are redacted by their own, shorter period: do not count them twice.
    shorter = policy.retention("failed_logins").period <= policy.retention("ip_addresses").period
    count = clear_audit_ips(before, dry_run=dry_run, skip_actions=("login.failed",) if shorter else ())
    for model, condition, values in targets:
        if dry_run:
            count += db.session.scalar(select(func.count()).select_from(model).where(*condition))
        else:
            count += db.session.execute(update(model).where(*condition).values(**values)).rowcount
    return count


def audit_events(now, dry_run):
    return purge_audit_events(_before("audit_events", now), dry_run=dry_run)


def mail_bodies(now, dry_run):
    condition = (OutboxMessage.status == SENT, OutboxMessage.sent_at < _before("mail_bodies", now),
                 OutboxMessage.body_text != "")
    if dry_run:
        return db.session.scalar(select(func.count(OutboxMessage.id)).where(*condition))
    return db.session.execute(update(OutboxMessage).where(*condition)
                              .values(body_text="", body_html=None)).rowcount


def _last_activity():
    return func.coalesce(User.last_login_at, User.created_at)


def inactive_warnings(now, dry_run):
    """Warn accounts that reach the inactivity period within INACTIVE_WARNING_DAYS."""
    notice = timedelta(days=policy.INACTIVE_WARNING_DAYS)
    warned = select(InactivityWarning.user_id)
    users = db.session.scalars(select(User).where(
        _last_activity() < _before("inactive_accounts", now) + notice, User.is_anonymised.is_(False),
        User.role != PLATFORM_ADMIN, User.id.not_in(warned))).all()
    if not dry_run:
        for user in users:
            db.session.add(InactivityWarning(user_id=user.id, warned_at=now))
            mail_user(user, "privacy_inactive_warning", _l("Your Oscart account will be removed"),
                      days=policy.INACTIVE_WARNING_DAYS)
    return len(users)


def inactive_accounts(now, dry_run):
    """Anonymise warned accounts still not used after the notice; forget warnings of returning users."""
    notice = timedelta(days=policy.INACTIVE_WARNING_DAYS)
    rows = db.session.execute(select(User, InactivityWarning).join(
        InactivityWarning, InactivityWarning.user_id == User.id).where(User.is_anonymised.is_(False))).all()
    due = [user for user, warning in rows
           if warning.warned_at <= now - notice and _last(user) < warning.warned_at]
    if not dry_run:
        for user, warning in rows:
            if _last(user) >= warning.warned_at:
                db.session.delete(warning)
        for user in due:
            erase_user(user, actor=None)
    return len(due)


def _last(user):
    return user.last_login_at or user.created_at


def anonymised_records(now, dry_run):
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
    steps = []
    for key, func_ in STEPS:
        label = STEP_LABELS[key] if key in STEP_LABELS else policy.retention(key).label
        steps.append(Step(key, label, func_(now, dry_run) or 0))
    return steps
