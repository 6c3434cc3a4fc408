"""Marketing mail: only with current consent, one-click unsubscribe (RFC 8058) on every message."""

from flask import current_app
from flask_babel import lazy_gettext as _l
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import select

from oscart.accounts.models import User
from oscart.core.exceptions import RuleViolation
from oscart.core.extensions import db
from oscart.core.urls import external_url
from oscart.mail.models import MARKETING
from oscart.mail.services import queue_mail
from oscart.privacy import policy
from oscart.privacy.consents import consenting_user_ids

INVALID_UNSUBSCRIBE = _l("This unsubscribe link is not valid or has expired. Log in and withdraw your consent "
                         "on your privacy page instead.")


def _serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="oscart.unsubscribe")


def unsubscribe_token(user, purpose):
    return _serializer().dumps({"u": user.id, "p": purpose})


def unsubscribe_url(user, purpose):
    return external_url("privacy.unsubscribe", token=unsubscribe_token(user, purpose))


def read_unsubscribe_token(token):
    """(user, purpose) of a valid token; RuleViolation for a forged, expired or unknown one."""
    try:
        data = _serializer().loads(token, max_age=current_app.config["PRIVACY_UNSUBSCRIBE_MAX_AGE"])
    except (SignatureExpired, BadSignature):
        raise RuleViolation(INVALID_UNSUBSCRIBE) from None
    if not isinstance(data, dict) or data.get("p") not in policy.MARKETING_PURPOSES:
        raise RuleViolation(INVALID_UNSUBSCRIBE)
    user = db.session.get(User, data.get("u")) if isinstance(data.get("u"), int) else None
    if user is None or user.is_anonymised:
        raise RuleViolation(INVALID_UNSUBSCRIBE)
    return user, data["p"]


def reachable_users(purpose):
    """Users who may receive marketing for ``purpose``: current consent, active, not restricted or erased."""
    return select(User).where(User.id.in_(consenting_user_ids(purpose)), User.is_active.is_(True),
                              User.is_restricted.is_(False), User.is_anonymised.is_(False))


def queue_marketing(user, template, subject, *, purpose, **context):
    """Queue a marketing mail with List-Unsubscribe headers and a visible one-click link."""
    link = unsubscribe_url(user, purpose)
    headers = {"List-Unsubscribe": f"<{link}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}
    return queue_mail(template, to=user.email, language=user.language, subject=subject, user=user,
                      kind=MARKETING, headers=headers, unsubscribe_url=link, **context)
