"""Logging in and out: password check, lockout, server-side sessions."""

import secrets
import unicodedata
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import load_only

from oscart.accounts.models import User
from oscart.audit.services import record_event
from oscart.auth.models import UserSession, token_digest
from oscart.database import prepared, utcnow
from oscart.exceptions import RuleViolation
from oscart.extensions import db
from oscart.mail.services import mail_user
from oscart.security import (
    PASSWORD_MAX_LENGTH,
    burn_dummy_hash,
    hash_password,
    password_needs_rehash,
    verify_password,
)

INVALID_LOGIN = _l("E-mail address or password is incorrect, or the account cannot sign in right now.")


def normalize_email(email):
    return unicodedata.normalize("NFKC", email or "").strip().casefold()


def find_user_by_email(email):
    return db.session.scalar(select(User).where(User.email == normalize_email(email)))


def authenticate(email, password, *, now=None):
    """Return the user whose credentials these are, or raise RuleViolation with one neutral message.

    Counts consecutive failures and locks the account after LOGIN_MAX_FAILURES of them.
    """
    now = now or utcnow()
    if len(password) > PASSWORD_MAX_LENGTH:
        raise RuleViolation(INVALID_LOGIN)
    user = find_user_by_email(email)
    if user is None:
        burn_dummy_hash(password)
        record_event("login.failed", target=normalize_email(email)[:120], reason="unknown")
        raise RuleViolation(INVALID_LOGIN)
    if user.is_locked(now) or not user.is_active or user.password_hash is None:
        burn_dummy_hash(password)
        reason = "locked" if user.is_locked(now) else "inactive"
        record_event("login.failed", subject=user, reason=reason)
        raise RuleViolation(INVALID_LOGIN)
    if not verify_password(user.password_hash, password):
        _count_failure(user, now)
        raise RuleViolation(INVALID_LOGIN)
    if password_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.failed_login_count = 0
    user.locked_until = None
    return user


def _count_failure(user, now):
    user.failed_login_count += 1
    record_event("login.failed", subject=user, reason="password", count=user.failed_login_count)
    config = current_app.config
    if user.failed_login_count >= config["LOGIN_MAX_FAILURES"]:
        minutes = config["LOGIN_LOCKOUT_MINUTES"]
        user.locked_until = now + timedelta(minutes=minutes)
        user.failed_login_count = 0
        record_event("login.locked", subject=user, minutes=minutes)
        mail_user(user, "account_locked", _l("Your Oscart account is temporarily locked"), minutes=minutes)


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
