"""Every password check of the portal, throttled in one place: per client address and per account.

The login form and every form where a signed-in user confirms their password (changing it, two-step
settings, the data export) call ``check_password_attempt``. Per client address, wrong passwords count
against RATELIMIT_LOGIN in Flask-Limiter's storage (shared by all workers), in one bucket for all those
forms; per account, LOGIN_MAX_FAILURES consecutive wrong passwords lock it for LOGIN_LOCKOUT_MINUTES.
Both are checked before any password hash is, and only failures count.
"""

import math
import time
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from limits import parse_many
from sqlalchemy import update
from sqlalchemy.orm.attributes import set_committed_value

from oscart.accounts.models import User
from oscart.audit.services import record_event
from oscart.core.database import utcnow
from oscart.core.exceptions import RuleViolation, TooManyAttempts
from oscart.core.extensions import db, limiter
from oscart.core.security import (
    PASSWORD_MAX_LENGTH,
    burn_dummy_hash,
    hash_password,
    password_needs_rehash,
    verify_password,
)
from oscart.mail.services import mail_user

# The login's neutral text; a signed-in user whose account is locked reads the same.
CANNOT_SIGN_IN = _l("E-mail address or password is incorrect, or the account cannot sign in right now.")
WRONG_PASSWORD = _l("The password is not correct.")
SCOPE = "password-attempts"


def check_password_attempt(user, password, *, ip, purpose="login", field="password", now=None):
    """Return when ``password`` is ``user``'s; otherwise raise TooManyAttempts (the address is over its
    limit) or RuleViolation (locked, deactivated or wrong: the failure counted for address and account).

    A right password clears the account's failure count and upgrades an outdated hash.
    """
    now = now or utcnow()
    password = password or ""
    refuse_limited_address(ip)
    if user.is_locked(now) or not user.is_active or user.password_hash is None:
        burn_dummy_hash(password[:PASSWORD_MAX_LENGTH])  # answer as slowly as a real check
        count_address_failure(ip)
        reason = "locked" if user.is_locked(now) else "inactive"
        record_event("login.failed", subject=user, reason=reason, **_purpose(purpose))
        raise RuleViolation(CANNOT_SIGN_IN, field)
    if len(password) > PASSWORD_MAX_LENGTH or not verify_password(user.password_hash, password):
        count_address_failure(ip)
        _count_account_failure(user, now, purpose)
        raise RuleViolation(WRONG_PASSWORD, field)
    if password_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.failed_login_count = 0
    user.locked_until = None


def refuse_limited_address(ip):
    """Raise TooManyAttempts when the client address has used up a limit of RATELIMIT_LOGIN."""
    for item in _limits():
        if not limiter.limiter.test(item, *_key(ip)):
            reset_at = limiter.limiter.get_window_stats(item, *_key(ip)).reset_time
            raise TooManyAttempts(retry_after=max(1, math.ceil(reset_at - time.time())))


def count_address_failure(ip):
    for item in _limits():
        limiter.limiter.hit(item, *_key(ip))


def _limits():
    """The address limits; none when rate limiting is switched off (RATELIMIT_ENABLED), as for every route."""
    if not limiter.enabled:
        return []
    return parse_many(current_app.config["RATELIMIT_LOGIN"])


def _key(ip):
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX")
    return (prefix, SCOPE, ip or "unknown") if prefix else (SCOPE, ip or "unknown")


def _count_account_failure(user, now, purpose):
    # One UPDATE adds the failure, so parallel wrong attempts cannot overwrite each other's count.
    table = User.__table__
    count = db.session.execute(
        update(table).where(table.c.id == user.id)
        .values(failed_login_count=table.c.failed_login_count + 1)
        .returning(table.c.failed_login_count)
    ).scalar_one()
    set_committed_value(user, "failed_login_count", count)
    record_event("login.failed", subject=user, reason="password", count=count, **_purpose(purpose))
    config = current_app.config
    if count >= config["LOGIN_MAX_FAILURES"]:
        minutes = config["LOGIN_LOCKOUT_MINUTES"]
        user.locked_until = now + timedelta(minutes=minutes)
        user.failed_login_count = 0
        record_event("login.locked", subject=user, minutes=minutes)
        mail_user(user, "account_locked", _l("Your Oscart account is temporarily locked"), minutes=minutes)


def _purpose(purpose):
    # Login events keep their details; other forms say which one the password was typed into.
    return {} if purpose == "login" else {"purpose": purpose}
