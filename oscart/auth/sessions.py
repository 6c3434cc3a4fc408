"""A user's own logins: the active sessions and the recent sign-in history shown on the security page."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from oscart.audit.models import AuditEvent
from oscart.audit.services import record_event
from oscart.auth.models import UserSession
from oscart.auth.services import revoke_all_sessions
from oscart.core.database import utcnow
from oscart.core.exceptions import NotFound, RuleViolation
from oscart.core.extensions import db

SIGN_IN_ACTIONS = ("login.succeeded", "login.failed", "login.locked", "two_step.failed",
                   "two_step.replay_refused", "two_step.recovery_code_used")


SESSIONS_LISTED = 20


def list_active_sessions(user, limit=SESSIONS_LISTED):
    """(rows, total): the ``limit`` most recently used of ``user``'s sessions, and how many there are."""
    active = (UserSession.user_id == user.id, UserSession.revoked_at.is_(None), UserSession.expires_at > utcnow())
    rows = db.session.execute(
        select(UserSession.id, UserSession.created_at, UserSession.last_seen_at, UserSession.ip,
               UserSession.user_agent, UserSession.is_remembered)
        .where(*active).order_by(UserSession.last_seen_at.desc(), UserSession.id.desc()).limit(limit)).all()
    total = len(rows) if len(rows) < limit else db.session.scalar(select(func.count(UserSession.id)).where(*active))
    return rows, total


def end_session_by_id(user, session_id):
    """End one of ``user``'s own sessions; another user's session id is NotFound, like a missing one."""
    record = db.session.scalar(
        select(UserSession).where(UserSession.id == session_id, UserSession.user_id == user.id,
                                  UserSession.revoked_at.is_(None))
    )
    if record is None:
        raise NotFound()
    if user.session_record is not None and record.id == user.session_record.id:
        raise RuleViolation(_l("Use “Log out” to end the session you are using now."))
    record.revoked_at = utcnow()
    record_event("session.ended", actor=user, subject=user, session=record.id)
    return record


def end_other_sessions(user):
    """Log out everywhere else: every other session and remember-me cookie of ``user`` stops working."""
    revoke_all_sessions(user, except_record=user.session_record)
    record_event("session.ended_all_others", actor=user, subject=user)


def list_recent_sign_ins(user, limit=10):
    return (
        select(AuditEvent.at, AuditEvent.action, AuditEvent.ip, AuditEvent.details)
        .where(AuditEvent.subject_id == user.id, AuditEvent.action.in_(SIGN_IN_ACTIONS))
        .order_by(AuditEvent.seq.desc())
        .limit(limit)
    )


SIGN_IN_LABELS = {
    "login.succeeded": _l("Signed in"),
    "login.failed": _l("Failed login attempt"),
    "login.locked": _l("Account locked after failed attempts"),
    "two_step.failed": _l("Wrong two-step code"),
    "two_step.replay_refused": _l("Reused two-step code refused"),
    "two_step.recovery_code_used": _l("Recovery code used"),
}

_BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"),
             ("Safari/", "Safari"))
_SYSTEMS = (("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"), ("Windows", "Windows"),
            ("Mac OS X", "macOS"), ("Linux", "Linux"))


def describe_browser(user_agent):
    """“Firefox on Windows” from a User-Agent header; the raw header when it is not recognised."""
    ua = user_agent or ""
    browser = next((name for marker, name in _BROWSERS if marker in ua), None)
    system = next((name for marker, name in _SYSTEMS if marker in ua), None)
    if browser and system:
        return f"{browser} · {system}"
    return browser or system or ua[:60] or "—"
