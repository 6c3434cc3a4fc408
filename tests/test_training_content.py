"""Author content is sanitised on save; uploaded images are decoded, re-encoded and stripped of metadata."""

import io

import pytest
from PIL import Image
from sqlalchemy import select

from oscart.core.exceptions import RuleViolation
from oscart.core.extensions import db
from oscart.core.security import PLATFORM_ADMIN
from oscart.training.content import process_image, render_markdown
from oscart.training.models import LessonImage, LessonTranslation
from tests.factories import lesson_ids, make_company, make_elearning_course, make_user


@pytest.mark.parametrize(("source", "forbidden"), [
    ("Hello <script>alert(1)</script>", "<script"),
    ("<img src=/training/images/1 onerror=alert(1)>", "onerror"),
    ('<a href="javascript:alert(1)">click</a>', "javascript:"),
    ("[click](javascript:alert(1))", "javascript:"),
    ('<iframe src="https://evil.example"></iframe>', "<iframe"),
    ('<p onclick="steal()">text</p>', "onclick"),
    ('<img src="https://evil.example/track.png">', "evil.example"),
    ('<img src="data:image/png;base64,AAAA">', "data:"),
    ("<style>body{display:none}</style>", "<style"),
])
def test_markdown_is_sanitised(source, forbidden):
    assert forbidden not in render_markdown(source)


def test_markdown_keeps_formatting_links_and_portal_images():
    html = render_markdown("**Bold** [site](https://oscart.example) ![sign](/training/images/7)")
    assert "<strong>Bold</strong>" in html
    assert 'href="https://oscart.example"' in html and 'rel="noopener noreferrer"' in html
    assert 'src="/training/images/7"' in html


def _png(size=(40, 30), exif=False, fmt="PNG"):
    image = Image.new("RGB", size, "#f2a900")
    out = io.BytesIO()
    if exif:
        data = Image.Exif()
        data[0x8825] = {2: (50.0, 51.0, 0.0)}  # GPS
        data[0x010F] = "SecretCamera"
        image.save(out, fmt, exif=data.tobytes())
    else:
        image.save(out, fmt)
    return out.getvalue()


@pytest.mark.parametrize("data", [
    b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    b"<!doctype html><html><script>alert(1)</script></html>",
    b"GIF89a<script>alert(1)</script>",  # a polyglot that only pretends to be a GIF
    b"\x89PNG\r\n\x1a\n" + b"<html>" * 20,  # PNG signature, HTML body
    b"",
])
def test_non_images_are_refused(data):
    with pytest.raises(RuleViolation):
        process_image(data, max_bytes=1024 * 1024)


def test_oversize_image_is_refused():
    with pytest.raises(RuleViolation):
        process_image(_png(), max_bytes=10)


def test_trailing_html_after_a_real_image_is_dropped_by_reencoding():
    encoded, content_type, *_ = process_image(_png() + b"<script>alert(1)</script>", max_bytes=1024 * 1024)
    assert content_type == "image/png"
    assert b"<script" not in encoded


def test_exif_metadata_is_stripped():
    encoded, content_type, width, height, _digest = process_image(_png(exif=True, fmt="JPEG"), max_bytes=1024 * 1024)
    assert content_type == "image/jpeg" and (width, height) == (40, 30)
    assert b"SecretCamera" not in encoded
    assert not Image.open(io.BytesIO(encoded)).getexif()


def test_upload_view_stores_reencoded_image_and_refuses_svg(browser):
    admin = make_user(role=PLATFORM_ADMIN)
    course = make_elearning_course(status="draft")
    browser.login(admin.email)
    url = f"/training/manage/{course.id}/images"
    svg = browser.submit(url, {"image": (io.BytesIO(b"<svg xmlns='http://www.w3.org/2000/svg'/>"), "x.svg")},
                         form_page=url, content_type="multipart/form-data")
    assert svg.status_code == 200 and "geen PNG-, JPEG-, GIF- of WebP-afbeelding" in svg.text
    assert db.session.scalar(select(LessonImage.id)) is None
    ok = browser.submit(url, {"image": (io.BytesIO(_png(exif=True, fmt="JPEG")), "photo.jpg")}, form_page=url,
                        content_type="multipart/form-data")
    assert ok.status_code == 302
    image = db.session.scalar(select(LessonImage))
    assert image.content_type == "image/jpeg" and b"SecretCamera" not in image.data


def test_lesson_body_is_sanitised_when_saved_through_the_editor(browser):
    admin = make_user(role=PLATFORM_ADMIN)
    course = make_elearning_course(status="draft")
    lesson_id = lesson_ids(course)[0]
    browser.login(admin.email)
    url = f"/training/manage/{course.id}/lessons/{lesson_id}/fr"
    response = browser.submit(url, {"title": "Leçon", "body_source": "Hi <script>x()</script><b onclick=y()>b</b>"},
                              form_page=url)
    assert response.status_code == 302
    row = db.session.scalar(select(LessonTranslation).where(LessonTranslation.lesson_id == lesson_id,
                                                            LessonTranslation.language == "fr"))
    assert "<script" not in row.body_html and "onclick" not in row.body_html and "<b>b</b>" in row.body_html


def test_images_are_served_only_to_people_who_see_the_course(browser):
    acme, globex = make_company(), make_company()
    course = make_elearning_course(is_global=False, owner=acme)
    image = LessonImage(course_id=course.id, content_type="image/png", width=1, height=1, data=_png(), sha256="x")
    db.session.add(image)
    db.session.commit()
    browser.login(make_user(company=acme).email)
    assert browser.get(f"/training/images/{image.id}").status_code == 200
    browser.logout()
    browser.login(make_user(company=globex).email)
    assert browser.get(f"/training/images/{image.id}").status_code == 404


HOSTILE_IMAGE_SOURCES = [
    "/training/images/../courses/5",
    "/training/images/5/../../courses/5",
    "/training/images/./5",
    "/training/images//5",
    "/training/images/5/",
    "/training/images/%2e%2e/courses/5",
    "/training/images/%2E%2E/courses/5",
    "/training/images/.%2e/courses/5",
    "/training/images/&#46;&#46;/courses/5",  # HTML entities for the dots
    "/training/images/5%2f..%2f..%2fcourses%2f5",
    "/training/images%2f5",
    "/training/%69mages/5",
    "/training/images\\..\\courses\\5",
    "\\\\evil.example\\training\\images\\5",
    "/\\evil.example/training/images/5",
    "//evil.example/training/images/5",
    "https://evil.example/training/images/5",
    "http:/training/images/5",
    "/training/images/5?next=/courses/5",
    "/training/images/5?",
    "/training/images/5#/courses/5",
    "/training/images/5&#10;/../../courses/5",  # browsers drop the line break, then resolve the dots
    "/training/images/05",
    "/training/images/99999999999999999999999",
    "/training/images/x",
    "/training/imagesX/5",
    "/courses/5",
    "training/images/5",
    "data:image/png;base64,iVBORw0KGgo=",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
]


@pytest.mark.parametrize("source", HOSTILE_IMAGE_SOURCES)
def test_image_source_that_is_not_exactly_a_lesson_image_is_removed(source):
    html = render_markdown(f'<img src="{source}" alt="sign">')
    assert "src=" not in html
    assert 'alt="sign"' in html


@pytest.mark.parametrize("source", ["/training/images/../courses/5", "//evil.example/x.png",
                                    "/training/images/5?next=/courses/5"])
def test_markdown_image_source_that_is_not_exactly_a_lesson_image_is_removed(source):
    assert "src=" not in render_markdown(f"![sign]({source})")


def test_a_genuine_lesson_image_stays():
    from oscart.training.lessons import image_url

    html = render_markdown(f"![sign]({image_url(12)}) <img src='{image_url(7)}' alt='x' width='40'>")
    assert 'src="/training/images/12"' in html and 'src="/training/images/7"' in html
