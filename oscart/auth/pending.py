"""The half-finished login between the password and the two-step code, kept in the signed session.

Web-layer helper (it reads and writes ``flask.session``). Until the second step succeeds the visitor is
not logged in, so nothing else behind a login is reachable; the half-finished login expires after
TWO_STEP_PENDING_SECONDS (5 minutes by default) and is dropped whenever a new login starts.
"""

import time

from cryptography.fernet import InvalidToken
from flask import current_app, g, session
from flask_login import current_user

from oscart.accounts.models import User
from oscart.core.encryption import decrypt, encrypt
from oscart.core.extensions import db, limiter

KEY = "pending_login"


def begin(user, *, remember, next_url, enrol, new_secret=None):
    """``new_secret``: the secret offered to a user who sets two-step up again (kept encrypted in the session)."""
    data = {"uid": user.id, "at": int(time.time()), "remember": bool(remember), "next": next_url or "",
            "enrol": bool(enrol)}
    if new_secret:
        data["secret"] = encrypt(new_secret)
    session.clear()
    session[KEY] = data


def new_secret(data):
    """The secret offered by ``begin``; None when none was, or it can no longer be decrypted."""
    try:
        return decrypt(data["secret"]) if data.get("secret") else None
    except InvalidToken:
        return None


def current(*, enrol):
    """(user, data) of a live half-finished login of the right kind, or (None, None)."""
    data = session.get(KEY)
    if not isinstance(data, dict) or bool(data.get("enrol")) != enrol:
        return None, None
    if time.time() - data.get("at", 0) > current_app.config["TWO_STEP_PENDING_SECONDS"]:
        session.pop(KEY, None)
        return None, None
    user = db.session.get(User, data.get("uid"))
    if user is None or not user.is_active or user.is_locked():
        session.pop(KEY, None)
        return None, None
    return user, data


def user_id():
    data = session.get(KEY)
    return data.get("uid") if isinstance(data, dict) else None


def _ip_limit():
    return current_app.config["RATELIMIT_TWO_STEP"]


def _account_limit():
    return current_app.config["RATELIMIT_TWO_STEP_ACCOUNT"]


def _account_key():
    """Wrong codes also count per account, whatever address they come from."""
    uid = user_id() or (current_user.id if current_user.is_authenticated else None)
    return f"two-step:user:{uid}"


def _code_rejected(response):
    # Views set g.code_rejected when a code was wrong; only those attempts count.
    return bool(g.get("code_rejected"))


def throttle_wrong_codes(view):
    """Limit wrong two-step codes per client address and per account (429 page beyond the limit)."""
    view = limiter.limit(_account_limit, methods=["POST"], key_func=_account_key, deduct_when=_code_rejected)(view)
    return limiter.limit(_ip_limit, methods=["POST"], deduct_when=_code_rejected)(view)
