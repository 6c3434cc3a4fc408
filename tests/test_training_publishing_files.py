"""The publishing checklist names each video or document lesson without its file in a language offered to learners;
publishing then needs the same explicit fallback confirmation as a missing text."""

from sqlalchemy import select

from oscart.audit.models import AuditEvent
from oscart.core.extensions import db
from oscart.core.security import PLATFORM_ADMIN
from oscart.training.models import Course, Lesson
from oscart.training.publishing import MissingFile, publish_checklist
from tests.factories import lesson_ids, make_elearning_course, make_user
from tests.media_helpers import PDF, VTT, WEBM, add_media


def _draft(kinds):
    """A draft in Dutch and French whose lessons are of ``kinds`` (text, video, document), in that order."""
    course = make_elearning_course(status="draft", titles={"nl": "Eerste hulp", "fr": "Premiers secours"},
                                   lessons=len(kinds))
    lessons = [db.session.get(Lesson, lesson_id) for lesson_id in lesson_ids(course)]
    for lesson, kind in zip(lessons, kinds, strict=True):
        lesson.kind = kind
    db.session.commit()
    return course, lessons


def _publish(browser, course, **extra):
    editor = f"/training/manage/{course.id}/editor"
    response = browser.submit(f"/training/manage/{course.id}/status", {"action": "publish", **extra},
                              form_page=editor)
    db.session.expire_all()
    return browser.get(response.headers["Location"]).text


def test_the_checklist_names_the_lesson_and_the_file_missing_in_each_language(app):
    course, (text, video, document) = _draft(["text", "video", "document"])
    add_media(video, "nl", "video", WEBM, "video/webm")
    add_media(video, "fr", "captions", VTT, "text/vtt")  # captions are no video
    add_media(document, "fr", "document", PDF, "application/pdf")
    checklist = publish_checklist(course)
    assert checklist.languages["nl"]["files"] == [MissingFile(document.id, 3, "Les 3 nl", "document")]
    assert checklist.languages["fr"]["files"] == [MissingFile(video.id, 2, "Les 2 nl", "video")]
    assert checklist.fallbacks == ["nl", "fr"] and not checklist.blocking


def test_the_editor_lists_the_missing_files_and_publishing_waits_for_the_confirmation(browser):
    course, (video, document) = _draft(["video", "document"])
    add_media(video, "nl", "video", WEBM, "video/webm")
    add_media(document, "nl", "document", PDF, "application/pdf")
    browser.login(make_user(role=PLATFORM_ADMIN).email)
    page = browser.get(f"/training/manage/{course.id}/editor").text
    assert "Les 1, Les 1 nl: geen video" in page and "Les 2, Les 2 nl: geen pdf" in page
    assert f'/training/manage/{course.id}/lessons/{video.id}/fr"' in page
    assert "Publiceren, met de ontbrekende delen in een andere taal" in page
    assert "In sommige talen ontbreken lessen, lesbestanden of vragen" in _publish(browser, course)
    assert db.session.get(Course, course.id).status == "draft"
    _publish(browser, course, confirm_fallback="1")
    assert db.session.get(Course, course.id).status == "published"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "training.published"))
    assert event.details["fallback_languages"] == ["fr"]


def test_a_course_with_every_file_publishes_without_confirmation_and_captions_are_optional(browser):
    course, (video, document) = _draft(["video", "document"])
    for language in ("nl", "fr"):
        add_media(video, language, "video", WEBM, "video/webm")
        add_media(document, language, "document", PDF, "application/pdf")
    browser.login(make_user(role=PLATFORM_ADMIN).email)
    page = browser.get(f"/training/manage/{course.id}/editor").text
    assert "geen video" not in page and "Publiceren, met de ontbrekende delen" not in page
    _publish(browser, course)
    assert db.session.get(Course, course.id).status == "published"


def test_a_french_author_reads_the_missing_file_in_french(browser):
    course, (video,) = _draft(["video"])
    add_media(video, "nl", "video", WEBM, "video/webm")
    browser.login(make_user(role=PLATFORM_ADMIN, language="fr").email)
    page = browser.get(f"/training/manage/{course.id}/editor").text
    assert "Leçon 1, Les 1 nl : pas de vidéo" in page
