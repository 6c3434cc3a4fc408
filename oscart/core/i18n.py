"""Languages of the portal: UI locale selection and the content-language fallback chain."""

import unicodedata
from contextlib import contextmanager
from functools import lru_cache

import flask_babel
from babel import Locale
from babel.support import NullTranslations
from flask import g, has_app_context, has_request_context, request, session
from flask_babel import (
    format_date,
    format_datetime,
    format_decimal,
    format_time,
    get_locale,
    get_translations,
)
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from oscart.core.local_time import TIMEZONE

LANGUAGES = {"nl": "Nederlands", "fr": "Français", "de": "Deutsch", "en": "English"}
DEFAULT_LANGUAGE = "nl"

LANGUAGE_LABELS = {"nl": _l("Dutch"), "fr": _l("French"), "de": _l("German"), "en": _l("English")}

# The Babel locale each language is formatted with. English dates read day-month-year, as in Belgium and
# Britain ("4 Dec 2026"), not month-day-year; the language code stays "en" in URLs, stored preferences and the
# catalogue directory (gettext finds translations/en for en_GB).
FORMAT_LOCALES = {"en": "en_GB"}

# Flask-Babel parses the selector's answer at every request unless it is already a Locale.
_LOCALES = {code: Locale.parse(FORMAT_LOCALES.get(code, code)) for code in LANGUAGES}


def is_language(code):
    return code in LANGUAGES


def select_locale():
    """User's stored preference → session choice → Accept-Language → Dutch, as a Babel locale (parsed once)."""
    return _LOCALES[_selected_language()]


def _selected_language():
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


def locale_of(language):
    """The Babel locale that text in ``language`` is translated and formatted with."""
    return _LOCALES.get(language) or Locale.parse(language)


@contextmanager
def force_locale(language):
    """Flask-Babel's force_locale for a language code (mails and documents in the recipient's language)."""
    with flask_babel.force_locale(locale_of(language)):
        yield


def fold_for_search(text):
    """``text`` in lower case without accents, so that "securite" finds "Sécurité" and "uber" finds "Über"."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


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


# --- Fast lookups for templates ---------------------------------------------------------------------
# A page translates some forty strings and formats a dozen numbers and dates. Flask-Babel resolves the
# locale and the catalogue again for each of them; here they are resolved once per request and locale.

def current_translations():
    """(language code, translations) of the locale in force, looked up once per request and locale.

    The cache is kept on ``g`` and keyed by the identity of the locale object Flask-Babel's public
    ``get_locale()`` returns, which it keeps per context: ``force_locale`` (mails and documents in the
    recipient's language) and ``refresh`` replace that object, so they are followed as they happen.
    """
    return _current()[1:3]


_OUTSIDE_APP = (None, DEFAULT_LANGUAGE, NullTranslations(), DEFAULT_LANGUAGE)


def _current():
    # (locale, language code, translations, locale tag): the tag tells en_GB from a forced en_US.
    if not has_app_context():  # nothing to translate into
        return _OUTSIDE_APP
    locale = get_locale()
    cached = g.get("oscart_translations")
    if cached is not None and cached[0] is locale:
        return cached
    language = locale.language if locale is not None else DEFAULT_LANGUAGE
    current = (locale, language, get_translations(), str(locale) if locale is not None else DEFAULT_LANGUAGE)
    g.oscart_translations = current
    return current


class RequestDomain(flask_babel.Domain):
    """Flask-Babel's message domain, with the catalogue of the locale in force looked up once per request.

    Every ``gettext`` in Python code and every lazy string (``_l``: form labels, choices, status names) rendered
    in a page asks the domain for its catalogue, and Flask-Babel finds it again each time (the locale's name is
    formatted as the cache key; about a fifth of a lazy string's cost, measured in-process). The catalogue is
    kept on ``g`` with the identity of the locale object it was found for, so ``force_locale`` and ``refresh``
    are followed as they happen (see current_translations()).
    """

    def get_translations(self):
        if not has_app_context():
            return super().get_translations()
        locale = get_locale()
        cached = g.get("oscart_domain_translations")
        if cached is not None and cached[0] is locale:
            return cached[1]
        translations = super().get_translations()
        g.oscart_domain_translations = (locale, translations)
        return translations


def install_request_domain(app):
    """Make RequestDomain the domain of ``app`` (after ``babel.init_app``)."""
    configuration = app.extensions["babel"]
    configuration.instance.domain_instance = RequestDomain(domain=configuration.default_domain)


def template_gettext(string):
    return current_translations()[1].ugettext(string)


def template_ngettext(singular, plural, number):
    return current_translations()[1].ungettext(singular, plural, number)


def template_pgettext(context, string):
    return current_translations()[1].upgettext(context, string)


def template_npgettext(context, singular, plural, number):
    return current_translations()[1].unpgettext(context, singular, plural, number)


def _memoized(formatter):
    """A Flask-Babel formatter remembered per (value, format, locale); the time zone is fixed."""

    @lru_cache(maxsize=4096)
    def remembered(value, format, locale_tag):
        return formatter(value, format)

    def format_value(value, format=None):
        if value is None:  # Flask-Babel formats "now" for None: never remembered
            return formatter(value, format)
        return remembered(value, format, _current()[3])

    return format_value


TEMPLATE_FILTERS = {
    "dateformat": _memoized(format_date),
    "datetimeformat": _memoized(format_datetime),
    "timeformat": _memoized(format_time),
    "decimalformat": _memoized(format_decimal),
}

_labels_cache = {}


def translated_labels(labels):
    """{key: text} of a module-level mapping of lazy strings, translated once per language."""
    language = current_translations()[0]
    cached = _labels_cache.get((id(labels), language))
    if cached is None or cached[0] is not labels:  # the identity check guards against a reused id()
        cached = _labels_cache[(id(labels), language)] = (labels, {code: str(label) for code, label in labels.items()})
    return cached[1]
