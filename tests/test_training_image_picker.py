"""The lesson editor's image picker: the course's images with their Markdown (to copy without script, to insert
with it), and an upload that answers with the new image's URL."""

import io

from PIL import Image
from sqlalchemy import func, select

from oscart.audit.models import AuditEvent
from oscart.core.extensions import db
from oscart.core.security import COMPANY_ADMIN
from oscart.training.models import LessonImage
from tests.factories import lesson_ids, make_company, make_elearning_course, make_user


def _png():
    out = io.BytesIO()
    Image.new("RGB", (40, 20), "orange").save(out, "PNG")
    return out.getvalue()


def _author_and_course(browser):
    company = make_company()
    browser.login(make_user(role=COMPANY_ADMIN, company=company).email)
    return make_elearning_course(titles={"nl": "Cursus"}, lessons=1, owner=company, status="draft")


def _upload(browser, course, data, form_page):
    return browser.submit(f"/training/manage/{course.id}/images/upload", {"image": (io.BytesIO(data), "x.png")},
                          content_type="multipart/form-data", form_page=form_page)


def test_an_uploaded_image_answers_with_its_url_and_is_recorded(browser):
    course = _author_and_course(browser)
    page = f"/training/manage/{course.id}/lessons/{lesson_ids(course)[0]}/nl"
    response = _upload(browser, course, _png(), page)
    image = db.session.scalar(select(LessonImage))
    assert response.status_code == 200
    assert response.json == {"id": image.id, "url": f"/training/images/{image.id}", "width": 40, "height": 20}
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.action == "training.image_uploaded"))


def test_a_file_that_is_no_image_is_refused_with_the_reason_in_the_author_s_language(browser):
    course = _author_and_course(browser)
    response = _upload(browser, course, b"%PDF-1.4 not an image", f"/training/manage/{course.id}/images")
    assert response.status_code == 400
    assert response.json == {"error": "Dit bestand is geen PNG-, JPEG-, GIF- of WebP-afbeelding."}
    assert db.session.scalar(select(func.count()).select_from(LessonImage)) == 0


def test_another_company_s_course_takes_no_image(browser):
    _author_and_course(browser)
    other = make_elearning_course(lessons=1, owner=make_company(), status="draft")
    assert _upload(browser, other, _png(), "/privacy").status_code == 404


def test_the_lesson_editor_lists_each_image_to_copy_and_to_insert(browser):
    course = _author_and_course(browser)
    page = f"/training/manage/{course.id}/lessons/{lesson_ids(course)[0]}/fr"
    _upload(browser, course, _png(), page)
    image = db.session.scalar(select(LessonImage))
    html = browser.get(page).text
    assert f"<code>![…](/training/images/{image.id})</code>" in html  # without script: copy it
    assert f'data-picker-insert="/training/images/{image.id}" hidden>' in html  # shown by the script
    assert f'data-upload-url="/training/manage/{course.id}/images/upload"' in html
    assert 'data-target="body_source"' in html and "js/image-picker.js" in html
    assert f'href="/training/manage/{course.id}/images"' in html
