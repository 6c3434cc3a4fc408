"""The main navigation per role and language, and the per-request translation and format caches behind it."""

import re
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from flask import render_template_string
from flask_babel import force_locale, refresh

from oscart.core.extensions import db
from oscart.core.i18n import current_translations
from oscart.core.security import COMPANY_ADMIN, PLATFORM_ADMIN, TRAINEE, TRAINER
from tests.factories import make_company, make_user

NAV_RE = re.compile(r'<nav class="main-nav".*?</nav>', re.S)


def nav_links(html):
    """[(href, text, current?)] of the main navigation, in page order."""
    nav = NAV_RE.search(html).group(0)
    return [(href, text.strip(), bool(current))
            for href, current, text in re.findall(r'<a href="([^"]+)"( aria-current="page")?>([^<]*)</a>', nav)]


@pytest.mark.parametrize(("role", "present", "absent"), [
    (TRAINEE, {"/dashboard", "/training/", "/classroom/mine", "/certificates/"},
     {"/admin/", "/company/", "/audit/", "/training/manage/"}),
    (TRAINER, {"/dashboard", "/training/", "/classroom/teach", "/certificates/"},
     {"/admin/", "/classroom/mine", "/company/"}),
    (COMPANY_ADMIN, {"/company/", "/company/employees", "/classroom/", "/classroom/attendance",
                     "/certificates/company", "/training/company/assign"},
     {"/dashboard", "/admin/", "/certificates/", "/classroom/mine"}),
    (PLATFORM_ADMIN, {"/admin/", "/admin/companies", "/admin/users", "/training/manage/", "/audit/"},
     {"/dashboard", "/company/", "/certificates/", "/certificates/company"}),
])
def test_each_role_sees_its_own_links(browser, role, present, absent):
    company = make_company() if role != PLATFORM_ADMIN else None
    user = make_user(role=role, company=company)
    browser.login(user.email)
    hrefs = {href for href, _text, _current in nav_links(browser.get("/privacy/me").text)}
    assert present <= hrefs
    assert not hrefs & absent
    assert {"/privacy/me", "/account/"} <= hrefs


def test_current_page_is_marked_and_only_that_one(browser):
    user = make_user(company=make_company())
    browser.login(user.email)
    links = nav_links(browser.get("/training/").text)
    assert [href for href, _text, current in links if current] == ["/training/"]
    links = nav_links(browser.get("/dashboard").text)
    assert [href for href, _text, current in links if current] == ["/dashboard"]


@pytest.mark.parametrize(("language", "courses"), [("nl", "Opleidingen"), ("fr", "Formations"),
                                                  ("de", "Kurse"), ("en", "Courses")])
def test_menu_follows_the_users_language_after_a_change(browser, language, courses):
    user = make_user(company=make_company(), language="nl")
    browser.login(user.email)
    assert ("/training/", "Opleidingen", False) in nav_links(browser.get("/dashboard").text)
    user.language = language
    db.session.commit()
    assert ("/training/", courses, False) in nav_links(browser.get("/dashboard").text)


def test_account_menu_shows_the_users_own_name_escaped(browser):
    user = make_user(company=make_company(), first_name="<b>Ann</b>")
    browser.login(user.email)
    html = browser.get("/dashboard").text
    assert "&lt;b&gt;Ann&lt;/b&gt;" in html and "<b>Ann</b>" not in html


def test_template_strings_follow_force_locale_and_refresh(app):
    template = "{% trans %}Courses{% endtrans %} · {{ amount|decimalformat }}"
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert render_template_string(template, amount=Decimal("2.5")) == "Courses · 2.5"
        with force_locale("fr"):
            assert current_translations()[0] == "fr"
            assert render_template_string(template, amount=Decimal("2.5")) == "Formations · 2,5"
        assert render_template_string(template, amount=Decimal("2.5")) == "Courses · 2.5"
        with force_locale("de"):
            refresh()  # a language change within the request, as the profile page does
            assert render_template_string(template, amount=Decimal("2.5")) == "Kurse · 2,5"


def test_remembered_date_formats_are_per_language(app):
    moment = datetime(2026, 3, 1, 23, 30, tzinfo=UTC)  # already 2 March in Brussels
    template = '{{ moment|dateformat("long") }}'
    with app.test_request_context():
        with force_locale("nl"):
            assert render_template_string(template, moment=moment) == "2 maart 2026"
        with force_locale("en"):
            assert render_template_string(template, moment=moment) == "March 2, 2026"
        with force_locale("nl"):
            assert render_template_string(template, moment=moment) == "2 maart 2026"


def test_label_mappings_are_translated_per_language_and_per_mapping(app):
    from flask_babel import lazy_gettext as _l

    from oscart.core.i18n import translated_labels

    first, second = {"a": _l("Courses")}, {"a": _l("More")}
    with app.test_request_context():
        with force_locale("fr"):
            assert translated_labels(first) == {"a": "Formations"}
            assert translated_labels(second) == {"a": "Plus"}
        with force_locale("de"):
            assert translated_labels(first) == {"a": "Kurse"}
        with force_locale("fr"):
            assert translated_labels(first) == {"a": "Formations"}
