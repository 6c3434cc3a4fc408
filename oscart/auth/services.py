"""Logging in and out: password check, lockout, server-side sessions."""

import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import load_only

from oscart.accounts.models import User
from oscart.audit.services import record_event
from oscart.auth import attempts
from oscart.auth.models import UserSession
from oscart.core.database import prepared, utcnow
from oscart.core.exceptions import RuleViolation
from oscart.core.extensions import db
from oscart.core.security import PASSWORD_MAX_LENGTH, burn_dummy_hash, normalize_email, token_digest

INVALID_LOGIN = attempts.CANNOT_SIGN_IN


def find_user_by_email(email):
    return db.session.scalar(select(User).where(User.email == normalize_email(email)))


def authenticate(email, password, *, ip, now=None):
    """Return the user whose credentials these are, or raise RuleViolation with one neutral message.

    Throttled like every password check (oscart.auth.attempts); an unknown address counts as a failure too.
    """
    user = find_user_by_email(email)
    if user is None:
        attempts.take_address_attempt(ip)  # before any hash, as for a known account
        burn_dummy_hash((password or "")[:PASSWORD_MAX_LENGTH])
        record_event("login.failed", target=normalize_email(email)[:120], reason="unknown")
        raise RuleViolation(INVALID_LOGIN)
    try:
        attempts.check_password_attempt(user, password, ip=ip, now=now)
    except RuleViolation:
        raise RuleViolation(INVALID_LOGIN) from None
    return user


def start_session(user, *, remember, ip, user_agent, now=None):
    """Create the server-side session record; its raw token goes into the cookie."""
    now = now or utcnow()
    config = current_app.config
    idle = timedelta(minutes=config["SESSION_IDLE_MINUTES"])
    lifetime = config["REMEMBER_COOKIE_DURATION"] if remember else idle
    token = secrets.token_urlsafe(32)
    record = UserSession(
        user_id=user.id,
        token_hash=token_digest(token),
        created_at=now,
        last_seen_at=now,
        expires_at=now + lifetime,
        ip=ip,
        user_agent=(user_agent or "")[:300],
        is_remembered=remember,
    )
    record.token = token
    db.session.add(record)
    user.last_login_at = now
    user.last_login_ip = ip
    user.session_record = record
    record_event("login.succeeded", actor=user, subject=user, remember=remember)
    return record


SESSION_USER_COLUMNS = ("id", "email", "first_name", "last_name", "language", "role", "company_id", "is_active",
                        "is_restricted", "is_anonymised", "two_step_enabled_at", "photo_updated_at")
SESSION_RECORD_COLUMNS = ("id", "user_id", "last_seen_at", "expires_at", "is_remembered", "revoked_at")


@prepared
def _session_statement():
    # Every request runs this: only the columns pages and hooks read; the others load when first used.
    return (
        select(User, UserSession)
        .options(load_only(*(getattr(User, name) for name in SESSION_USER_COLUMNS)),
                 load_only(*(getattr(UserSession, name) for name in SESSION_RECORD_COLUMNS)))
        .join(UserSession, UserSession.user_id == User.id)
        .where(
            UserSession.token_hash == bindparam("token_hash"),
            UserSession.revoked_at.is_(None),
            UserSession.expires_at > bindparam("now"),
            User.is_active.is_(True),
        )
    )


def load_session(token, *, now=None):
    """The user of a valid session token, with ``session_record`` attached, in one query; else None."""
    if not token or len(token) > 100:
        return None
    row = db.session.execute(_session_statement(), {"token_hash": token_digest(token), "now": now or utcnow()}).first()
    if row is None:
        return None
    user, record = row
    record.token = token
    user.session_record = record
    return user


def touch_session(record, *, now=None):
    """Move last-seen (and a non-remembered session's idle expiry) at most every five minutes."""
    now = now or utcnow()
    if now - record.last_seen_at < timedelta(minutes=5):
        return False
    record.last_seen_at = now
    if not record.is_remembered:
        record.expires_at = now + timedelta(minutes=current_app.config["SESSION_IDLE_MINUTES"])
    return True


def end_session(user):
    record = user.session_record
    if record is not None and record.revoked_at is None:
        record.revoked_at = utcnow()
        record_event("logout", actor=user, subject=user)


def revoke_all_sessions(user, *, except_record=None):
    """End every session (remember cookies included) of ``user``, optionally keeping one."""
    query = update(UserSession).where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
    if except_record is not None:
        query = query.where(UserSession.id != except_record.id)
    db.session.execute(query.values(revoked_at=utcnow()))
