"""Roles and permissions, the ``require`` decorator, safe redirects and password hashing."""

import hashlib
import unicodedata
from functools import cache, wraps
from pathlib import Path
from urllib.parse import unquote, urlsplit

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import abort, current_app
from flask_babel import lazy_gettext as _l
from flask_login import current_user

TRAINEE = "trainee"
TRAINER = "trainer"
COMPANY_ADMIN = "company_admin"
PLATFORM_ADMIN = "platform_admin"
ROLES = (TRAINEE, TRAINER, COMPANY_ADMIN, PLATFORM_ADMIN)
ROLE_LABELS = {
    TRAINEE: _l("Trainee"),
    TRAINER: _l("Trainer"),
    COMPANY_ADMIN: _l("Company admin"),
    PLATFORM_ADMIN: _l("Platform admin"),
}

# What each role may do. Views declare the action they need with @require("action").
_BASE = {"profile.edit", "training.follow", "certificates.own", "privacy.self"}
PERMISSIONS = {
    TRAINEE: _BASE,
    # classroom.plan for trainers is limited to courses they created or teach (oscart/classroom/access.py).
    TRAINER: _BASE | {"training.author", "classroom.teach", "classroom.plan", "classroom.review"},
    COMPANY_ADMIN: _BASE | {"company.manage", "company.author", "company.audit", "audit.view", "classroom.review"},
    PLATFORM_ADMIN: _BASE
    | {
        "platform.manage",
        "training.author",
        "classroom.teach",
        "classroom.plan",
        "classroom.review",
        "certificates.manage",
        "privacy.decide",
        "audit.all",
        "audit.view",
    },
}

# Where each role lands after login.
HOME_ENDPOINTS = {
    TRAINEE: "main.dashboard",
    TRAINER: "classroom.teach",  # today and next: the session running now, its sheet one tap away
    COMPANY_ADMIN: "companies.index",
    PLATFORM_ADMIN: "admin.index",
}


def can(user, action):
    return bool(user and user.is_authenticated and action in PERMISSIONS.get(user.role, ()))


def require(action):
    """Log-in required, then 403 unless the current user's role grants ``action``."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return current_app.login_manager.unauthorized()
            if not can(current_user, action):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def home_endpoint(user):
    return HOME_ENDPOINTS.get(user.role, "main.dashboard")


def safe_next_url(target):
    """``target`` if it is a path on this site, else None (no scheme, host, backslash or control chars)."""
    if not target or not isinstance(target, str):
        return None
    decoded = unquote(target)
    if any(ord(ch) < 32 or ord(ch) == 127 or ch.isspace() or ch == "\\" for ch in decoded):
        return None
    if not target.startswith("/") or target.startswith("//"):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return None
    return target


# --- Passwords -------------------------------------------------------------------------------------

PASSWORD_MIN_LENGTH = 12
PASSWORD_MAX_LENGTH = 1024


def normalize_password(password):
    return unicodedata.normalize("NFKC", password)


def _hasher():
    cfg = current_app.config
    return PasswordHasher(
        time_cost=cfg["ARGON2_TIME_COST"],
        memory_cost=cfg["ARGON2_MEMORY_COST"],
        parallelism=cfg["ARGON2_PARALLELISM"],
    )


def hash_password(password):
    return _hasher().hash(normalize_password(password))


def verify_password(password_hash, password):
    """True when ``password`` matches; never raises for a malformed hash."""
    try:
        return _hasher().verify(password_hash, normalize_password(password))
    except (VerificationError, InvalidHashError):
        return False


def password_needs_rehash(password_hash):
    return _hasher().check_needs_rehash(password_hash)


def burn_dummy_hash(password):
    """Spend the time of one verification, so unknown e-mails answer as slowly as known ones."""
    verify_password(_dummy_hash(), password)


def _dummy_hash():
    cfg = current_app.config
    key = (cfg["ARGON2_TIME_COST"], cfg["ARGON2_MEMORY_COST"], cfg["ARGON2_PARALLELISM"])
    return _dummy_hash_for(key)


@cache
def _dummy_hash_for(params):
    time_cost, memory_cost, parallelism = params
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_cost, parallelism=parallelism).hash(
        "oscart-dummy-password"
    )


@cache
def common_passwords():
    path = Path(__file__).parents[1] / "data" / "common-passwords.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().casefold() for line in lines if line.strip() and not line.startswith("#"))


def is_common_password(password):
    return normalize_password(password).casefold() in common_passwords()


# Login attempts and sessions belong to the auth feature, which sits above accounts and companies; these change
# passwords and end sessions through the two functions below, which auth provides in its init_app. Nothing
# provided is an error, never a password taken unchecked.
_auth_functions = {}


def provide_auth(*, check_password_attempt, revoke_all_sessions):
    _auth_functions.update(check_password_attempt=check_password_attempt, revoke_all_sessions=revoke_all_sessions)


def _auth_function(name):
    try:
        return _auth_functions[name]
    except KeyError:
        raise RuntimeError(f"{name} is provided by the auth feature, which is not set up") from None


def check_password_attempt(user, password, **kwargs):
    """Return when ``password`` is ``user``'s, else raise (the failure counts toward the lockout)."""
    return _auth_function("check_password_attempt")(user, password, **kwargs)


def revoke_all_sessions(user, *, except_record=None):
    """End every session of ``user``, optionally keeping one."""
    return _auth_function("revoke_all_sessions")(user, except_record=except_record)


def normalize_email(email):
    """The form an e-mail address is stored and compared in."""
    return unicodedata.normalize("NFKC", email or "").strip().casefold()


def token_digest(token):
    """What is stored of a secret token (sessions, invitations, calendar addresses): its SHA-256."""
    return hashlib.sha256(token.encode()).hexdigest()
