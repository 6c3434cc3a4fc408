"""Template helpers that replace Jinja's and Flask's generic ones: the output must not change."""

from collections import ChainMap
from types import SimpleNamespace

import pytest
from flask import render_template_string, url_for
from flask_babel import force_locale, get_translations
from jinja2 import Environment
from markupsafe import Markup
from werkzeug.routing import AnyConverter, BuildError, IntegerConverter

from oscart.core.i18n import LANGUAGES
from oscart.core.urls import template_url_for

TRANS_BLOCKS = [
    "{% trans %}Log out{% endtrans %}",
    "{% trans name=name %}Welcome, {{ name }}{% endtrans %}",
    "{% trans %}Not in any catalogue: 100%% sure{% endtrans %}",
    "{% trans count=one %}{{ count }} user{% pluralize %}{{ count }} users{% endtrans %}",
    "{% trans count=many %}{{ count }} user{% pluralize %}{{ count }} users{% endtrans %}",
    "{% trans count=many %}locked account{% pluralize %}locked accounts{% endtrans %}",
    '{% trans "menu" %}Log out{% endtrans %}',
    '{% trans "menu" count=many %}one item{% pluralize %}{{ count }} items{% endtrans %}',
    "{% trans name=markup, count=many %}{{ name }} has {{ count }} of 100%%{% endtrans %}",
    "{% trans share=share %}Not in any catalogue: {{ share }}{% endtrans %}",
    "{% trans count=one %}{{ count }} course{% pluralize %}{{ count }} courses{% endtrans %}",
    "{% trans minutes=one %}{{ minutes }} min{% pluralize minutes %}{{ minutes }} min{% endtrans %}",
    "{% trans minutes=many %}This part lasts {{ minutes }} minute. Leave the minutes empty for someone present the "
    "whole time.{% pluralize minutes %}This part lasts {{ minutes }} minutes. Leave the minutes empty for someone "
    "present the whole time.{% endtrans %}",
]
VALUES = {"name": "<b>Ann & Bob</b>", "markup": Markup("<em>Ann</em> & Bob"), "one": 1, "many": 3, "share": 0.5}


def jinja_reference(source, translations):
    """What Jinja's own i18n extension renders (newstyle gettext, autoescaping on)."""
    env = Environment(extensions=["jinja2.ext.i18n"], autoescape=True)
    env.install_gettext_translations(translations, newstyle=True)
    return env.from_string(source).render(**VALUES)


@pytest.mark.parametrize("code", LANGUAGES)
@pytest.mark.parametrize("source", TRANS_BLOCKS)
def test_trans_blocks_render_as_jinja_newstyle_gettext_does(app, code, source):
    with app.test_request_context(), force_locale(code):
        assert render_template_string(source, **VALUES) == jinja_reference(source, get_translations())


def test_trans_blocks_are_translated_at_each_render_not_once(app):
    template = app.jinja_env.from_string("{% trans %}Log out{% endtrans %}")
    with app.test_request_context():
        rendered = {}
        for code in LANGUAGES:
            with force_locale(code):
                rendered[code] = template.render()
    assert rendered == {"nl": "Afmelden", "fr": "Se déconnecter", "de": "Abmelden", "en": "Log out"}


@pytest.mark.parametrize("code", LANGUAGES)
def test_macros_imported_without_context_are_translated(app, code):
    page = SimpleNamespace(pages=3, number=2, has_prev=True, has_next=True)
    source = '{% from "_macros/forms.html" import pager %}{{ pager(page, "training.catalogue") }}'
    with app.test_request_context("/training/?page=2"), force_locale(code):
        html = render_template_string(source, page=page)
        expected = jinja_reference("{% trans number=2, pages=3 %}Page {{ number }} of {{ pages }}{% endtrans %}",
                                   get_translations())
    assert expected in html
    assert 'href="/training/?page=1"' in html and 'href="/training/?page=3"' in html


def sample_value(converter):
    if isinstance(converter, AnyConverter):
        return sorted(converter.items)[-1]
    if isinstance(converter, IntegerConverter):
        return 7
    return {"integer": 7, "path": "folder/a b.png"}.get(type(converter).__name__.removesuffix("Converter").lower(),
                                                        "été & co")


@pytest.mark.parametrize("base_url", ["http://localhost/", "http://localhost/portal/"])
def test_template_url_for_builds_the_url_flask_builds_for_every_route(app, base_url):
    rules = list(app.url_map.iter_rules())
    assert len(rules) > 100
    with app.test_request_context("/", base_url=base_url):
        for rule in rules:
            values = {name: sample_value(converter) for name, converter in rule._converters.items()}
            assert template_url_for(rule.endpoint, **values) == url_for(rule.endpoint, **values), rule.rule


@pytest.mark.parametrize("extra", [{"page": 2}, {"q": "été & 100%", "page": [1, 2]}, {"_anchor": "top"},
                                   {"_external": True}, {"_method": "GET"}, {"course_id": None}, {"page": None}])
def test_template_url_for_leaves_other_arguments_to_flask(app, extra):
    values = {"course_id": 5, **extra}
    with app.test_request_context("/"):
        if None in values.values() and values["course_id"] is None:
            with pytest.raises(BuildError):
                url_for("training.course", **values)
            with pytest.raises(BuildError):
                template_url_for("training.course", **values)
        else:
            assert template_url_for("training.course", **values) == url_for("training.course", **values)


def test_template_url_for_outside_a_request_builds_external_urls_as_flask_does(app):
    app.config["SERVER_NAME"] = "portal.example"
    try:
        with app.app_context():
            assert template_url_for("training.course", course_id=5) == "http://portal.example/training/courses/5"
    finally:
        app.config["SERVER_NAME"] = None


def test_templates_use_the_fast_helpers(app):
    assert app.jinja_env.globals["url_for"] is template_url_for
    assert "trans" in app.jinja_env.extensions["oscart.core.template_i18n.DirectTranslationExtension"].tags


@pytest.mark.parametrize(("message", "value", "expected"), [
    ("%(n)d of 3", "2", "2 of 3"), ("%(n).1f%%", 0.25, "0.2%"), ("%(n)s", "<i>", "&lt;i&gt;")])
def test_translated_messages_with_other_conversions_format_as_markup_does(app, message, value, expected):
    # A translation may use another conversion than the %s a trans block writes.
    template = app.jinja_env.from_string("{{ message|_oscart_gettext(n=value) }}")
    with app.test_request_context():
        assert template.render(message=message, value=value) == expected == str(Markup(message) % {"n": value})  # noqa: S704


def test_template_globals_list_the_same_names_as_jinjas_chain_map(app):
    overlay = {"page_only": 1, "url_for": "overridden"}
    template_globals = app.jinja_env.make_globals(overlay)
    assert set(template_globals.keys()) == set(ChainMap(overlay, app.jinja_env.globals).keys())
    assert template_globals["url_for"] == "overridden" and template_globals["page_only"] == 1


def test_imported_macros_see_the_globals_and_with_context_the_page_values(app):
    source = ('{% from "certificates/_status.html" import status_badge with context %}'
              '{% from "_macros/forms.html" import pager %}'
              '{{ status_badge("valid") }}|{{ pager(page, "training.catalogue") }}')
    with app.test_request_context("/training/"), force_locale("en"):
        html = render_template_string(source, certificate_status_labels={"valid": "Fine"},
                                      page=SimpleNamespace(pages=2, number=1, has_prev=False, has_next=True))
    assert '<span class="badge badge-ok">Fine</span>' in html and 'href="/training/?page=2"' in html


def test_pages_of_a_session_carry_one_csrf_token_which_forms_accept_and_other_sessions_do_not(app, browser,
                                                                                              monkeypatch):
    from itertools import count

    from itsdangerous import TimestampSigner

    from tests.factories import make_company, make_user
    from tests.helpers import Browser, csrf_from

    clock = count(1_800_000_000, 60)  # a token signed anew would carry a later time
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: next(clock))
    company = make_company()
    anna, bruno = make_user(company=company), make_user(company=company)
    browser.login(anna.email)
    tokens = {csrf_from(browser.get(url).text) for url in ("/dashboard", "/training/", "/dashboard")}
    assert len(tokens) == 1  # signed once for the session's secret, then reused
    other = Browser(app.test_client())
    other.login(bruno.email)
    assert csrf_from(other.get("/dashboard").text) not in tokens
    assert other.client.post("/logout", data={"csrf_token": tokens.pop()}).status_code == 400  # anna's token
    assert other.client.post("/logout", data={"csrf_token": csrf_from(other.get("/dashboard").text)}).status_code == 302


@pytest.mark.parametrize("source", TRANS_BLOCKS)
def test_trans_blocks_compile_to_the_direct_filters(app, source):
    # Fails when Jinja no longer builds trans blocks through the method the extension overrides.
    code = app.jinja_env.compile(source, raw=True)
    assert "filters['_oscart_" in code and "context.call(" not in code


def test_a_token_signed_earlier_is_the_one_flask_wtf_gives_the_forms_of_the_page(app, monkeypatch):
    # Fails when Flask-WTF no longer keeps the request's signed token where csrf_token() puts it.
    from itertools import count

    from flask import session
    from flask_wtf.csrf import generate_csrf
    from itsdangerous import TimestampSigner

    from oscart.core.templating import csrf_token

    clock = count(1_800_000_000, 60)  # a token signed anew would carry a later time
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: next(clock))
    assert app.config["WTF_CSRF_TIME_LIMIT"] is None
    with app.app_context(), app.test_request_context():  # each request with a g of its own
        session["csrf_token"] = "raw-token-of-one-session"
        first = csrf_token()
    with app.app_context(), app.test_request_context():
        session["csrf_token"] = "raw-token-of-one-session"
        assert csrf_token() == first
        assert generate_csrf() == first


def test_the_translations_of_a_request_follow_force_locale_in_and_out(app):
    from oscart.core.i18n import current_translations

    with app.app_context(), app.test_request_context(headers={"Accept-Language": "de"}):
        assert current_translations()[0] == "de"
        with force_locale("fr"):
            assert current_translations()[0] == "fr"
            assert current_translations()[1] is get_translations()
        assert current_translations()[0] == "de"
        assert current_translations()[1] is get_translations()
