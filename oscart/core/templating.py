"""Jinja globals and filters shared by every template."""

from collections import ChainMap
from functools import lru_cache

from flask import current_app, g, has_request_context, request, session
from flask.templating import Environment
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from oscart.core import i18n, template_i18n
from oscart.core.i18n import LANGUAGES
from oscart.core.navigation import navigation
from oscart.core.security import ROLE_LABELS, can
from oscart.core.urls import template_url_for, url_with_args


class _TemplateGlobals(ChainMap):
    """A template's globals, whose key view is a plain dict's.

    At every ``{% from … import … %}`` Jinja subtracts the imported template's global names from the page's;
    with ChainMap's own view each name is looked up in Python, map by map."""

    def keys(self):
        merged = {}
        for mapping in reversed(self.maps):
            merged.update(mapping)
        return merged.keys()


class TemplateEnvironment(Environment):
    """Flask's Jinja environment with cheaper template globals (install before ``app.jinja_env`` is used)."""

    def make_globals(self, d):
        return _TemplateGlobals({} if d is None else d, self.globals)


def init_app(app):
    app.jinja_env.globals.update(LANGUAGES=LANGUAGES, ROLE_LABELS=ROLE_LABELS, can=can, navigation=navigation,
                                 options=options, url_for=template_url_for,
                                 url_with_args=url_with_args)
    # After Flask-Babel's own set-up: the same translations and formats, resolved once per request.
    template_i18n.replace_extension(app.jinja_env)
    app.jinja_env.install_gettext_callables(
        gettext=i18n.template_gettext, ngettext=i18n.template_ngettext, pgettext=i18n.template_pgettext,
        npgettext=i18n.template_npgettext, newstyle=True)
    app.jinja_env.filters.update(i18n.TEMPLATE_FILTERS, language_badges=language_badges)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.context_processor(_request_context)


_signed_csrf_tokens = {}


def csrf_token():
    """Flask-WTF's CSRF token for the forms a template writes out (log out, language menu, buttons), signed once
    per session secret in this process rather than at every request, where every page would pay for the HMAC.

    Tokens do not expire (``WTF_CSRF_TIME_LIMIT = None``), so one signed earlier for the same secret is as valid
    as a new one; with a time limit, each request signs anew. A FlaskForm that a view builds before the page is
    rendered signs its own token, as before, and the page then uses that one."""
    config = current_app.config
    field = config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    if field in g:
        return g.get(field)
    if config.get("WTF_CSRF_TIME_LIMIT", 3600) is not None:
        return generate_csrf()
    key = (config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key, session.get(field))
    token = _signed_csrf_tokens.get(key)
    if token is None:
        token = generate_csrf()  # creates the session's secret when it has none yet
        if len(_signed_csrf_tokens) >= 10_000:
            _signed_csrf_tokens.clear()
        _signed_csrf_tokens[(key[0], session[field])] = token
    else:
        setattr(g, field, token)  # where generate_csrf() keeps the request's token, for the forms of the page
    return token


def _request_context():
    # Mails are also rendered outside a request (CLI commands, the outbox worker).
    path = request.full_path.rstrip("?") if has_request_context() else ""
    language, translations = i18n.current_translations()
    # csrf_token replaces the one of Flask-WTF's context processor, which runs before this one.
    return {"current_language": language, "current_path": path, template_i18n.TRANSLATIONS_KEY: translations,
            "csrf_token": csrf_token}


@lru_cache(maxsize=64)
def _badges(codes):
    return Markup(" ").join(Markup('<abbr class="badge" title="{}" lang="{}">{}</abbr>').format(
        LANGUAGES[code], code, code.upper()) for code in codes)


def language_badges(codes):
    """Badges of the languages a course exists in (the same few combinations on every card)."""
    return _badges(tuple(codes))


def options(pairs, selected=None):
    """``<option>`` elements of (value, label) pairs, the ``selected`` value marked: for menus of hundreds of
    entries, which a template loop renders ten times slower."""
    return Markup("".join(  # noqa: S704 - every value and label is escaped
        f'<option value="{escape(value)}"{" selected" if value == selected else ""}>{escape(label)}</option>'
        for value, label in pairs))
