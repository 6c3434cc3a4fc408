"""Every password check of the portal, throttled in one place: per client address and per account.

The login form and every form where a signed-in user confirms their password (changing it, two-step
settings, the data export) call ``check_password_attempt``. Per client address, wrong passwords count
against RATELIMIT_LOGIN in Flask-Limiter's storage (shared by all workers), in one bucket for all those
forms; per account, LOGIN_MAX_FAILURES consecutive wrong passwords lock it for LOGIN_LOCKOUT_MINUTES.
Both are checked before any password hash is, and only failures count.

An attempt takes its place in the address's count before its password is checked, in one atomic increment of
the shared storage, and gives it back when the password is right: attempts checked at the same moment on several
workers cannot all find the last place free (the load test saw 33 failures pass a limit of 30 when the count was
only tested first and increased after the check).
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
    take_address_attempt(ip)
    if user.is_locked(now) or not user.is_active or user.password_hash is None:
        burn_dummy_hash(password[:PASSWORD_MAX_LENGTH])  # answer as slowly as a real check
        reason = "locked" if user.is_locked(now) else "inactive"
        record_event("login.failed", subject=user, reason=reason, **_purpose(purpose))
        raise RuleViolation(CANNOT_SIGN_IN, field)
    if len(password) > PASSWORD_MAX_LENGTH or not verify_password(user.password_hash, password):
        _count_account_failure(user, now, purpose)
        raise RuleViolation(WRONG_PASSWORD, field)
    give_back_address_attempt(ip)  # only failures count
    if password_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.failed_login_count = 0
    user.locked_until = None


def take_address_attempt(ip):
    """Count an attempt from the client address against every limit of RATELIMIT_LOGIN, as a failure until
    ``give_back_address_attempt``; raise TooManyAttempts, counting nothing, when a limit is used up."""
    taken = []
    for item in _limits():
        taken.append(item)
        if not limiter.limiter.hit(item, *_key(ip)):  # one atomic increment: no other worker gets this place
            reset_at = limiter.limiter.get_window_stats(item, *_key(ip)).reset_time
            _give_back(taken, ip)
            raise TooManyAttempts(retry_after=max(1, math.ceil(reset_at - time.time())))


def give_back_address_attempt(ip):
    """The attempt was not a failure (right password): it does not count."""
    _give_back(_limits(), ip)


def _give_back(items, ip):
    # Flask-Limiter's fixed windows are counters; limits' storages have no public decrement for all of them.
    for item in items:
        limiter.limiter.storage.incr(item.key_for(*_key(ip)), item.get_expiry(), amount=-1)


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
