"""How the portal speaks: plural forms for every count, one form of address per language, English dates
day-month-year."""

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask_babel import ngettext

from oscart.core.i18n import LANGUAGES, force_locale
from oscart.core.security import COMPANY_ADMIN, PLATFORM_ADMIN
from tests.factories import make_certificate, make_company, make_course, make_elearning_course, make_user

ROOT = Path(__file__).resolve().parents[1]

# Placeholders that hold a number of things: a message that shows one needs its plural forms.
QUANTITIES = re.compile(r"%\((count|num|minutes|hours|days|weeks|months|limit|max)\)")


def catalogue(code):
    with open(ROOT / "translations" / code / "LC_MESSAGES" / "messages.po", "rb") as handle:
        return read_po(handle, locale=code)


def test_every_message_with_a_count_has_plural_forms():
    singular_only = [message.id for message in catalogue("nl")
                     if isinstance(message.id, str) and QUANTITIES.search(message.id)]
    assert singular_only == [], "use ngettext / {% pluralize %} for these"


@pytest.mark.parametrize("code", LANGUAGES)
def test_plural_messages_have_every_form_of_the_language(code):
    forms = catalogue(code).num_plurals
    incomplete = [message.id[0] for message in catalogue(code)
                  if isinstance(message.id, tuple | list) and (len(message.string) != forms or not all(message.string))]
    assert incomplete == []


PAGES = {
    "catalogue": {"nl": ("1 opleiding", "2 opleidingen"), "fr": ("1 formation", "2 formations"),
                  "de": ("1 Kurs", "2 Kurse"), "en": ("1 course", "2 courses")},
    "company certificates": {"nl": ("1 certificaat", "2 certificaten"), "fr": ("1 certificat", "2 certificats"),
                             "de": ("1 Zertifikat", "2 Zertifikate"), "en": ("1 certificate", "2 certificates")},
    "all certificates": {"nl": ("1 certificaat", "2 certificaten"), "fr": ("1 certificat", "2 certificats"),
                         "de": ("1 Zertifikat", "2 Zertifikate"), "en": ("1 certificate", "2 certificates")},
}


def _catalogue(count, language):
    for _ in range(count):
        make_elearning_course()
    return make_user(company=make_company(), language=language), "/training/"


def _company_certificates(count, language):
    company = make_company()
    for _ in range(count):
        make_certificate(make_user(company=company), make_course())
    return make_user(role=COMPANY_ADMIN, company=company, language=language), "/certificates/company"


def _all_certificates(count, language):
    company = make_company()
    for _ in range(count):
        make_certificate(make_user(company=company), make_course())
    return make_user(role=PLATFORM_ADMIN, language=language), "/certificates/manage"


BUILDERS = {"catalogue": _catalogue, "company certificates": _company_certificates,
            "all certificates": _all_certificates}


@pytest.mark.parametrize("count", [1, 2])
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("page", PAGES)
def test_pages_say_one_thing_and_two_things(browser, page, language, count):
    reader, path = BUILDERS[page](count, language)
    browser.login(reader.email)
    html = browser.get(path).text
    expected = PAGES[page][language][count - 1]
    assert f">{expected}<" in html


@pytest.mark.parametrize(("code", "count", "expected"), [
    ("nl", 1, "De opleiding is aan 1 persoon toegewezen."), ("nl", 2, "De opleiding is aan 2 personen toegewezen."),
    ("fr", 1, "La formation a été attribuée à 1 personne."), ("fr", 2, "La formation a été attribuée à 2 personnes."),
    ("de", 1, "Der Kurs wurde 1 Person zugewiesen."), ("de", 2, "Der Kurs wurde 2 Personen zugewiesen."),
    ("en", 1, "The course has been assigned to 1 person."), ("en", 2, "The course has been assigned to 2 people."),
])
def test_messages_from_the_code_count_people(app, code, count, expected):
    with app.test_request_context(), force_locale(code):
        assert ngettext("The course has been assigned to %(num)s person.",
                        "The course has been assigned to %(num)s people.", count) == expected


INFORMAL = {
    "nl": re.compile(r"\b(je|jij|jouw|jou|jezelf|jullie)\b", re.IGNORECASE),
    "de": re.compile(r"\b(du|dich|dir|dein|deine|deinen|deinem|deiner|deines)\b", re.IGNORECASE),
    "fr": re.compile(r"\b(tu|toi|ton|ta|tes|te|t’|t')\b", re.IGNORECASE),
}


@pytest.mark.parametrize("code", INFORMAL)
def test_one_form_of_address_the_formal_one(code):
    informal = []
    for message in catalogue(code):
        strings = message.string if isinstance(message.string, tuple | list) else [message.string]
        informal += [text for text in strings if message.id and INFORMAL[code].search(text)]
    assert informal == []


def test_english_dates_read_day_month_year(browser):
    holder = make_user(company=make_company(), language="en")
    make_certificate(holder, make_course(), completed_at=datetime(2026, 12, 4, 12, tzinfo=UTC))
    browser.login(holder.email)
    html = browser.get("/certificates/").text
    assert "4 Dec 2026" in html
    assert "Dec 4, 2026" not in html


def test_english_mail_and_documents_are_formatted_day_month_year(app):
    from flask import render_template_string

    with app.test_request_context(), force_locale("en"):
        assert render_template_string('{{ day|dateformat("long") }}', day=datetime(2026, 12, 4).date()) == \
            "4 December 2026"


def test_english_keeps_its_language_code_and_its_catalogue(browser, app):
    reader = make_user(language="en")
    browser.login(reader.email)
    assert '<html lang="en">' in browser.get("/dashboard").text
    with app.test_request_context(), force_locale("en"):
        # The English catalogue words this one differently from its source text: it is found for en_GB too.
        assert ngettext("You have used the %(num)s attempt of this knowledge check.",
                        "You have used all %(num)s attempts of this knowledge check.", 1) == \
            "You have used your only attempt at this knowledge check."
