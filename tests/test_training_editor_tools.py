"""The course editor's tools: a lesson's preview, duplicating a course, reordering the question bank."""

from sqlalchemy import select

from oscart.core.extensions import db
from oscart.core.security import PLATFORM_ADMIN
from oscart.training.models import LessonTranslation
from tests.factories import lesson_ids, make_elearning_course, make_user


def _lesson_url(course, lang="de"):
    return f"/training/manage/{course.id}/lessons/{lesson_ids(course)[0]}/{lang}"


def test_preview_shows_the_cleaned_text_and_saves_nothing(browser):
    course = make_elearning_course(titles={"nl": "Cursus"}, lessons=1)
    browser.login(make_user(role=PLATFORM_ADMIN).email)
    url = _lesson_url(course)
    body = "# Hallo\n\n**fett** <script>alert(1)</script>"
    response = browser.submit(url, {"title": "Lektion 1", "body_source": body, "preview": "1"}, form_page=url)
    assert response.status_code == 200
    page = response.text
    preview = page.split('class="card lesson-preview"')[1].split("</section>")[0]
    assert "<strong>fett</strong>" in preview and "<script" not in preview and "alert(1)" not in preview
    assert "Voorbeeld (niet bewaard)" in page
    assert 'value="Lektion 1"' in page and "&lt;script&gt;alert(1)&lt;/script&gt;</textarea>" in page
    assert db.session.scalar(select(LessonTranslation).where(LessonTranslation.language == "de")) is None


def test_preview_with_bad_input_keeps_the_text(browser):
    course = make_elearning_course(titles={"nl": "Cursus"}, lessons=1)
    browser.login(make_user(role=PLATFORM_ADMIN).email)
    url = _lesson_url(course)
    response = browser.submit(url, {"title": "", "body_source": "Mijn *tekst*", "preview": "1"}, form_page=url)
    page = response.text
    assert response.status_code == 200 and "Mijn *tekst*</textarea>" in page
    assert "<em>tekst</em>" in page  # the text is previewed even before the lesson has a title
    assert "field-error" in page
    assert db.session.scalar(select(LessonTranslation).where(LessonTranslation.language == "de")) is None


def test_preview_needs_a_valid_token(browser):
    course = make_elearning_course(titles={"nl": "Cursus"}, lessons=1)
    browser.login(make_user(role=PLATFORM_ADMIN).email)
    response = browser.client.post(_lesson_url(course), data={"title": "T", "body_source": "**x**", "preview": "1"})
    assert response.status_code == 400
