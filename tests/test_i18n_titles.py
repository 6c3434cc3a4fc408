"""Lists show a course under its title in the reader's language, by the fallback chain of the catalogue:
the reader's language, the reader's company default, the course's default language, then any."""

import re

import pytest

from oscart.core.extensions import db
from oscart.core.security import COMPANY_ADMIN, PLATFORM_ADMIN
from tests.factories import (
    make_certificate,
    make_company,
    make_course,
    make_registration,
    make_training_session,
    make_user,
)

TITLES = {"nl": "Veilig heffen", "fr": "Soulever en sécurité", "de": "Sicher heben"}

# (reader's language, reader's company default, the title the chain picks); the course's default is French.
CHAIN = [("de", "nl", "Sicher heben"),  # the reader's own language
         ("en", "de", "Sicher heben"),  # no English: the company's default
         ("en", "en", "Soulever en sécurité"),  # neither: the course's default
         ("nl", "de", "Veilig heffen")]


def _world(reader_language, company_language, reader_role):
    """A certificate issued in Dutch (its printed title "Veilig heffen") and a coming session of the course;
    then the reader, who may be the holder, switched to ``reader_language``."""
    company = make_company(default_language=company_language)
    holder = make_user(company=company, language="nl")
    course = make_course(titles=TITLES, format="blended", default_language="fr")
    certificate = make_certificate(holder, course)
    assert certificate.course_title == "Veilig heffen"
    make_registration(make_training_session(course), holder)
    if reader_role is None:
        holder.language = reader_language
        db.session.commit()
        return holder
    return make_user(role=reader_role, company=company if reader_role == COMPANY_ADMIN else None,
                     language=reader_language)


PAGES = {  # path: who reads it
    "/certificates/": None, "/dashboard": None, "/classroom/": None, "/classroom/mine": None,
    "/certificates/company": COMPANY_ADMIN,
}


@pytest.mark.parametrize(("language", "company_language", "expected"), CHAIN)
@pytest.mark.parametrize("path", PAGES)
def test_lists_show_the_course_title_by_the_fallback_chain(browser, path, language, company_language, expected):
    reader = _world(language, company_language, PAGES[path])
    browser.login(reader.email)
    html = browser.get(path).text
    assert expected in html
    assert not [title for title in TITLES.values() if title != expected and title in html]


@pytest.mark.parametrize(("language", "company_language", "expected"), CHAIN)
def test_company_certificate_filter_lists_courses_by_the_fallback_chain(browser, language, company_language,
                                                                      expected):
    reader = _world(language, company_language, COMPANY_ADMIN)
    browser.login(reader.email)
    html = browser.get("/certificates/company").text
    menu = re.search(r'<select id="course".*?</select>', html, re.S).group(0)
    assert re.search(rf"<option value=\"\d+\">{expected}</option>", menu)


@pytest.mark.parametrize(("language", "expected"), [("de", "Sicher heben"), ("en", "Soulever en sécurité")])
def test_platform_admins_list_and_issue_form_use_the_chain_without_a_company(browser, language, expected):
    reader = _world(language, "nl", PLATFORM_ADMIN)
    browser.login(reader.email)
    listed = browser.get("/certificates/manage").text
    assert expected in listed and "Veilig heffen" not in listed
    assert expected in browser.get("/certificates/manage/issue").text


def test_platform_admins_find_a_certificate_by_its_title_in_any_language(browser):
    reader = _world("en", "nl", PLATFORM_ADMIN)
    browser.login(reader.email)
    assert "Soulever en sécurité" in browser.get("/certificates/manage?q=sicher").text
    assert "Soulever en sécurité" not in browser.get("/certificates/manage?q=brandveiligheid").text
