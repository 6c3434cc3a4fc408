"""Languages of the portal: UI locale selection and the content-language fallback chain."""

from flask import has_request_context, request, session
from flask_babel import force_locale  # noqa: F401  (re-exported for mail and PDFs)
from flask_babel import lazy_gettext as _l
from flask_login import current_user

LANGUAGES = {"nl": "Nederlands", "fr": "Français", "de": "Deutsch", "en": "English"}
DEFAULT_LANGUAGE = "nl"
TIMEZONE = "Europe/Brussels"

LANGUAGE_LABELS = {"nl": _l("Dutch"), "fr": _l("French"), "de": _l("German"), "en": _l("English")}


def is_language(code):
    return code in LANGUAGES


def select_locale():
    """User's stored preference → session choice → Accept-Language → Dutch."""
    if not has_request_context():  # CLI commands and services called outside a request
        return DEFAULT_LANGUAGE
    if current_user and current_user.is_authenticated and is_language(current_user.language):
        return current_user.language
    chosen = session.get("lang")
    if is_language(chosen):
        return chosen
    return request.accept_languages.best_match(LANGUAGES.keys()) or DEFAULT_LANGUAGE


def select_timezone():
    return TIMEZONE


def content_language_chain(*preferred):
    """Ordered, de-duplicated languages to try for content: the given preferences, then every language."""
    chain = []
    for code in (*preferred, *LANGUAGES):
        if code and is_language(code) and code not in chain:
            chain.append(code)
    return chain


def pick_translation(available, *preferred):
    """The first language of the fallback chain that ``available`` contains, or None."""
    for code in content_language_chain(*preferred):
        if code in available:
            return code
    return None
