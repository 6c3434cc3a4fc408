"""Two authors editing the same lesson in the same language: the later save is refused with a conflict page that
keeps what was typed and shows what is saved now, as the course screen and the attendance sheet do."""

import re

import pytest
from sqlalchemy import select

from oscart.core.extensions import db
from oscart.core.security import PLATFORM_ADMIN
from oscart.training.models import LessonTranslation
from tests.factories import lesson_ids, make_elearning_course, make_user
from tests.helpers import Browser, csrf_from


@pytest.fixture
def authors(app):
    course = make_elearning_course(titles={"nl": "Heffen"}, lessons=1, status="draft")
    first, second = Browser(app.test_client()), Browser(app.test_client())
    first.login(make_user(role=PLATFORM_ADMIN, language="en").email)
    second.login(make_user(role=PLATFORM_ADMIN, language="en").email)
    return course, first, second


def _url(course, lang):
    return f"/training/manage/{course.id}/lessons/{lesson_ids(course)[0]}/{lang}"


VERSION = re.compile(r'<input id="version" name="version" type="hidden" value="([^"]*)">')


def _open(browser, url):
    """The editor as loaded: its token and the version of the text it shows."""
    page = browser.get(url).text
    return {"csrf_token": csrf_from(page), "version": VERSION.search(page).group(1)}


def _save(browser, url, loaded, title, body):
    return browser.client.post(url, data={**loaded, "title": title, "body_source": body, "submit": "1"})


def _stored(course, lang):
    return db.session.scalar(select(LessonTranslation).where(LessonTranslation.lesson_id == lesson_ids(course)[0],
                                                             LessonTranslation.language == lang))


@pytest.mark.parametrize("lang", ["nl", "de"])  # an existing text, and a language written for the first time
def test_the_later_of_two_saves_is_refused_and_keeps_what_was_typed(authors, lang):
    course, first, second = authors
    url = _url(course, lang)
    loaded_first, loaded_second = _open(first, url), _open(second, url)
    assert _save(first, url, loaded_first, "Titel A", "Tekst van A").status_code == 302
    response = _save(second, url, loaded_second, "Titel B", "Tekst van B")
    assert response.status_code == 409
    assert "Someone else saved this lesson after you opened it. Nothing was saved" in response.text
    assert "now saved as “Titel A”" in response.text and "now saved as “Tekst van A”" in response.text
    assert 'value="Titel B"' in response.text and "Tekst van B</textarea>" in response.text
    db.session.expire_all()
    assert (_stored(course, lang).title, _stored(course, lang).body_source) == ("Titel A", "Tekst van A")
    # Saving again from the conflict page replaces it, knowingly.
    again = {"csrf_token": csrf_from(response.text), "version": VERSION.search(response.text).group(1)}
    assert _save(second, url, again, "Titel B", "Tekst van B").status_code == 302
    db.session.expire_all()
    assert _stored(course, lang).title == "Titel B"


def test_saving_twice_in_a_row_from_one_editor_needs_no_reload(authors):
    course, first, _second = authors
    url = _url(course, "nl")
    assert _save(first, url, _open(first, url), "Eerste", "Een").status_code == 302
    assert _save(first, url, _open(first, url), "Tweede", "Twee").status_code == 302
    db.session.expire_all()
    assert _stored(course, "nl").title == "Tweede"
