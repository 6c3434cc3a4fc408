"""seed-demo's course with a video lesson (captions in four languages) and a document lesson (a PDF per language)."""

from pypdf import PdfReader
from sqlalchemy import func, select

from oscart.core import storage
from oscart.core.demo import seed_demo
from oscart.core.extensions import db
from oscart.training.demo_media import CODE
from oscart.training.media_models import LessonMedia
from oscart.training.models import Course, Lesson
from tests.factories import make_enrolment, make_user


def test_the_demo_course_has_a_playable_video_captions_and_a_pdf_in_four_languages(app, browser):
    seed_demo()
    db.session.commit()
    seed_demo()  # again: nothing doubles
    db.session.commit()
    course = db.session.scalar(select(Course).where(Course.code == CODE))
    assert course.status == "published"
    kinds = db.session.execute(select(Lesson.id, Lesson.kind).where(Lesson.course_id == course.id)
                               .order_by(Lesson.position)).all()
    assert [kind for _id, kind in kinds] == ["video", "document"]
    files = db.session.execute(select(LessonMedia.language, LessonMedia.role, LessonMedia.content_type)
                               .join(Lesson, Lesson.id == LessonMedia.lesson_id)
                               .where(Lesson.course_id == course.id)).all()
    for language in ("nl", "fr", "de", "en"):
        assert {(role, kind) for code, role, kind in files if code == language} == {
            ("video", "video/webm"), ("captions", "text/vtt"), ("document", "application/pdf")}
    # The four languages' videos are one stored file.
    assert db.session.scalar(select(func.count(func.distinct(LessonMedia.file_key)))
                             .where(LessonMedia.role == "video")) == 1

    learner = make_user(language="de")
    make_enrolment(learner, course)
    browser.login(learner.email)
    video_page = browser.get(f"/training/courses/{course.id}/lessons/{kinds[0][0]}").text
    assert 'srclang="de" label="Deutsch" default' in video_page and 'type="video/webm"' in video_page
    captions = db.session.scalar(select(LessonMedia.id).where(LessonMedia.role == "captions",
                                                              LessonMedia.language == "de"))
    assert "Rufen Sie 112 an" in browser.get(f"/training/media/{captions}").text
    document = db.session.scalar(select(LessonMedia).where(LessonMedia.role == "document",
                                                           LessonMedia.language == "de"))
    reader, _size = storage.open_file(document.file_key)
    with reader:
        assert "Checkliste Erste Hilfe" in PdfReader(reader).pages[0].extract_text()
