"""Password reset by e-mail: signed, expiring links that work once."""

import hashlib

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from oscart.accounts.models import User
from oscart.accounts.services import set_password
from oscart.audit.services import record_event
from oscart.auth.services import find_user_by_email
from oscart.core.exceptions import RuleViolation
from oscart.core.extensions import db
from oscart.core.locking import lock
from oscart.core.urls import external_url
from oscart.mail.services import mail_user

INVALID_LINK = _l("This reset link is invalid, expired or already used. Please ask for a new one.")


def _serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="oscart.password-reset")


def _fingerprint(user):
    # Changes whenever the password does, so a link works once and dies with any password change.
    return hashlib.sha256(f"{user.password_hash}|{user.password_changed_at.isoformat()}".encode()).hexdigest()[:20]


# An invitation to a new account stays valid longer than a reset link.
INVITE_MAX_AGE = 7 * 24 * 3600


def make_reset_token(user, purpose="reset"):
    return _serializer().dumps({"u": user.id, "f": _fingerprint(user), "p": purpose})


def _max_age(purpose):
    return INVITE_MAX_AGE if purpose == "invite" else current_app.config["PASSWORD_RESET_MAX_AGE"]


def reset_url(token):
    return external_url("auth.reset_password", token=token)


def request_password_reset(email):
    """Mail a reset link when the address belongs to an active account; silent otherwise."""
    user = find_user_by_email(email)
    if user is None or not user.is_active:
        record_event("password.reset_requested", target=(email or "")[:120], known=False)
        return None
    token = make_reset_token(user)
    max_age = current_app.config["PASSWORD_RESET_MAX_AGE"]
    mail_user(
        user,
        "password_reset",
        _l("Reset your Oscart password"),
        link=reset_url(token),
        minutes=max_age // 60,
    )
    record_event("password.reset_requested", subject=user, known=True)
    return user


def user_for_reset_token(token):
    """The user a valid, unused, unexpired token belongs to; RuleViolation otherwise."""
    serializer = _serializer()
    try:
        data = serializer.loads(token, max_age=INVITE_MAX_AGE)
        if not isinstance(data, dict):
            raise BadSignature("unexpected payload")
        serializer.loads(token, max_age=_max_age(data.get("p")))
    except (SignatureExpired, BadSignature):
        raise RuleViolation(INVALID_LINK) from None
    user = db.session.get(User, data.get("u")) if isinstance(data.get("u"), int) else None
    if user is None or not user.is_active or data.get("f") != _fingerprint(user):
        raise RuleViolation(INVALID_LINK)
    return user


def reset_password(token, new_password):
    user = user_for_reset_token(token)
    lock(user)
    user_for_reset_token(token)  # again, now that the user is locked and reloaded: a link works once
    set_password(user, new_password)
    user.failed_login_count = 0
    user.locked_until = None
    record_event("password.reset", actor=user, subject=user)
    return user
