"""Profile and password changes of one's own account."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext

from oscart.audit.services import record_event
from oscart.core.database import utcnow
from oscart.core.exceptions import RuleViolation
from oscart.core.i18n import is_language
from oscart.core.security import (
    PASSWORD_MAX_LENGTH,
    PASSWORD_MIN_LENGTH,
    check_password_attempt,
    hash_password,
    is_common_password,
    normalize_password,
    revoke_all_sessions,
)


def check_new_password(password, field="password"):
    """Length 12–1,024 after NFKC normalisation, and not one of the most common passwords."""
    normalized = normalize_password(password or "")
    if len(normalized) < PASSWORD_MIN_LENGTH:
        raise RuleViolation(lazy_ngettext("Use at least %(num)d character.", "Use at least %(num)d characters.",
                                          PASSWORD_MIN_LENGTH), field)
    if len(normalized) > PASSWORD_MAX_LENGTH:
        raise RuleViolation(lazy_ngettext("Use at most %(num)d character.", "Use at most %(num)d characters.",
                                          PASSWORD_MAX_LENGTH), field)
    if is_common_password(normalized):
        raise RuleViolation(_l("This password is too common. Choose one that is harder to guess."), field)


def set_password(user, new_password, *, keep_session=None):
    """Store a new password and end every session of the user (except ``keep_session``)."""
    check_new_password(new_password)
    user.password_hash = hash_password(new_password)
    user.password_changed_at = utcnow()
    revoke_all_sessions(user, except_record=keep_session)
    return user


def change_password(user, *, current_password, new_password, ip):
    check_password_attempt(user, current_password, ip=ip, purpose="password_change", field="current_password")
    check_new_password(new_password, "new_password")
    set_password(user, new_password, keep_session=user.session_record)
    record_event("password.changed", actor=user, subject=user)
    return user


def update_profile(user, *, first_name, last_name, language):
    if not is_language(language):
        raise RuleViolation(_l("Choose one of the offered languages."), "language")
    before = {"first_name": user.first_name, "last_name": user.last_name, "language": user.language}
    user.first_name = first_name.strip()
    user.last_name = last_name.strip()
    user.language = language
    after = {"first_name": user.first_name, "last_name": user.last_name, "language": user.language}
    if before != after:
        record_event("profile.updated", actor=user, subject=user, before=before, after=after)
    return user


def set_language(user, language):
    if not is_language(language):
        raise RuleViolation(_l("Choose one of the offered languages."), "language")
    user.language = language
    return user
