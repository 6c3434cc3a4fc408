"""Video and document lessons: files checked by their content, stored in the database or a folder, served in byte
ranges, shown to learners in their language (or another, with the notice), and copied with a duplicated course."""

import io
import tracemalloc

import pytest
from sqlalchemy import func, select

from oscart.audit.models import AuditEvent
from oscart.core import storage
from oscart.core.extensions import db
from oscart.core.security import COMPANY_ADMIN, PLATFORM_ADMIN
from oscart.training import duplicating
from oscart.training.media_models import LessonMedia
from oscart.training.models import Enrolment, Lesson, LessonProgress
from tests.factories import lesson_ids, make_company, make_elearning_course, make_enrolment, make_user
from tests.media_helpers import MP4, PDF, VTT, WEBM, add_media


@pytest.fixture(params=[storage.DATABASE, storage.FOLDER])
def backend(request, app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "FILE_STORAGE", request.param)
    monkeypatch.setitem(app.config, "FILE_STORAGE_PATH", str(tmp_path / "files"))
    return request.param


def _course_with(kind, *, owner=None, titles=None):
    course = make_elearning_course(titles=titles or {"nl": "Cursus"}, lessons=1, owner=owner)
    lesson = db.session.get(Lesson, lesson_ids(course)[0])
    lesson.kind = kind
    db.session.commit()
    return course, lesson


def _upload(browser, course, lesson, role, data, lang="nl"):
    url = f"/training/manage/{course.id}/lessons/{lesson.id}/{lang}/files"
    response = browser.submit(url, {"role": role, "file": (io.BytesIO(data), "my holiday video.mp4")},
                              content_type="multipart/form-data")
    return _followed(browser, response)


def _followed(browser, response):
    assert response.status_code == 302, response.status_code
    return browser.get(response.headers["Location"])


def _company_author(browser):
    company = make_company()
    browser.login(make_user(role=COMPANY_ADMIN, company=company).email)
    return company


# --- Storage -----------------------------------------------------------------------------------------

def test_the_storage_keeps_a_file_by_its_content_and_reads_any_range(app, backend, monkeypatch):
    monkeypatch.setattr(storage, "CHUNK_BYTES", 1000)
    data = bytes(range(256)) * 40  # 10,240 bytes: eleven chunks in the database
    stored = storage.save(io.BytesIO(data))
    again = storage.save(io.BytesIO(data))
    db.session.commit()
    assert stored.key == again.key and stored.size_bytes == len(data) and stored.backend == backend
    reader, size = storage.open_file(stored.key)
    with reader:
        reader.seek(5_500)
        assert size == len(data) and reader.read(100) == data[5_500:5_600]
        if backend == storage.DATABASE:
            assert reader.chunks_read == [5]
    if backend == storage.FOLDER:
        path = storage._path(stored.key)
        assert path.read_bytes() == data and path.name == stored.key  # named by content, never by the upload


# --- Uploads in the editor ---------------------------------------------------------------------------

def test_an_author_adds_a_document_lesson_and_uploads_its_pdf(browser, backend):
    company = _company_author(browser)
    course = make_elearning_course(titles={"nl": "Cursus"}, lessons=0, owner=company, status="draft")
    response = _followed(browser, browser.submit(f"/training/manage/{course.id}/lessons",
                                                 {"new-title": "Handboek", "new-kind": "document"}))
    lesson = db.session.scalar(select(Lesson).where(Lesson.course_id == course.id))
    assert lesson.kind == "document" and "Bestanden in het Nederlands" in response.text
    page = _upload(browser, course, lesson, "document", PDF).text
    assert "Het bestand is geüpload." in page
    row = db.session.scalar(select(LessonMedia).where(LessonMedia.lesson_id == lesson.id))
    assert (row.language, row.role, row.content_type, row.size_bytes) == ("nl", "document", "application/pdf", len(PDF))
    actions = set(db.session.scalars(select(AuditEvent.action).where(AuditEvent.target == f"lesson:{lesson.id}")))
    assert {"training.lesson_added", "training.lesson_file_saved"} <= actions
    assert browser.get(f"/training/media/{row.id}").data == PDF


REFUSALS = [
    ("video", PDF, "Dit bestand is geen MP4- of WebM-video."),
    ("video", b"\x00\x00\xff\xffftypisom" + b"\x00" * 50, "Deze video is onvolledig of beschadigd"),
    ("captions", b"1\n00:00:00,000 --> 00:00:01,000\nHallo\n", "Dit bestand is geen WebVTT-ondertitelbestand"),
    ("captions", b"WEBVTT\n\n\xff\xfe", "Deze ondertitels zijn geen UTF-8-tekst."),
    ("captions", b"WEBVTT\n" + b"a" * 2000, "Het bestand is groter dan 0 MB."),
    ("document", MP4, "Dit bestand is geen video"),  # a video lesson takes no document
    ("video", b"", "Kies een bestand."),
]


@pytest.mark.parametrize("role, data, message", REFUSALS)
def test_a_wrong_damaged_or_too_large_file_is_refused_and_nothing_is_kept(app, browser, backend, monkeypatch, role,
                                                                        data, message):
    monkeypatch.setitem(app.config, "LESSON_CAPTIONS_MAX_BYTES", 1000)
    company = _company_author(browser)
    course, lesson = _course_with("video", owner=company)
    page = _upload(browser, course, lesson, role, data).text
    expected = "Deze les neemt dit soort bestand niet." if role == "document" else message
    assert expected in page
    assert db.session.scalar(select(func.count()).select_from(LessonMedia)) == 0
    assert db.session.scalar(select(func.count()).select_from(storage.StoredFile)) == 0


def test_a_company_admin_cannot_upload_to_another_company_s_course(browser):
    _company_author(browser)
    course, lesson = _course_with("document", owner=make_company())
    url = f"/training/manage/{course.id}/lessons/{lesson.id}/nl/files"
    response = browser.submit(url, {"role": "document", "file": (io.BytesIO(PDF), "a.pdf")},
                              content_type="multipart/form-data")
    assert response.status_code == 404
    assert db.session.scalar(select(func.count()).select_from(LessonMedia)) == 0


def test_removing_a_file_forgets_its_content_when_no_lesson_uses_it(browser):
    company = _company_author(browser)
    course, lesson = _course_with("video", owner=company)
    _upload(browser, course, lesson, "captions", VTT)
    url = f"/training/manage/{course.id}/lessons/{lesson.id}/nl/files/remove"
    page = _followed(browser, browser.submit(url, {"role": "captions"})).text
    assert "Het bestand is verwijderd." in page
    assert db.session.scalar(select(func.count()).select_from(storage.StoredFile)) == 0


# --- Serving in byte ranges --------------------------------------------------------------------------

def _learner_of(course, language="nl"):
    learner = make_user(language=language)
    make_enrolment(learner, course)
    return learner


def test_a_range_request_gets_206_with_content_range_and_only_those_bytes(browser, backend):
    course, lesson = _course_with("video")
    row = add_media(lesson, "nl", "video", MP4, "video/mp4")
    browser.login(_learner_of(course).email)
    response = browser.get(f"/training/media/{row.id}", headers={"Range": "bytes=100-199"})
    assert response.status_code == 206
    assert response.headers["Content-Range"] == f"bytes 100-199/{len(MP4)}"
    assert response.data == MP4[100:200] and response.headers["Accept-Ranges"] == "bytes"
    whole = browser.get(f"/training/media/{row.id}")
    assert whole.status_code == 200 and whole.data == MP4 and whole.headers["Content-Type"] == "video/mp4"


def test_a_range_beyond_the_end_gets_416(browser):
    course, lesson = _course_with("video")
    row = add_media(lesson, "nl", "video", WEBM, "video/webm")
    browser.login(_learner_of(course).email)
    response = browser.get(f"/training/media/{row.id}", headers={"Range": f"bytes={len(WEBM) + 10}-"})
    assert response.status_code == 416
    assert response.headers["Content-Range"] == f"bytes */{len(WEBM)}"


def test_a_seek_to_the_middle_reads_only_the_chunk_that_holds_it(browser, monkeypatch):
    monkeypatch.setattr(storage, "CHUNK_BYTES", 1000)
    course, lesson = _course_with("video")
    data = MP4 + bytes(8000)
    row = add_media(lesson, "nl", "video", data, "video/mp4")
    opened = []
    real_open = storage.open_file
    monkeypatch.setattr(storage, "open_file", lambda key: opened.append(real_open(key)) or opened[-1])
    browser.login(_learner_of(course).email)
    response = browser.get(f"/training/media/{row.id}", headers={"Range": "bytes=6100-6199"})
    assert response.status_code == 206 and response.data == data[6100:6200]
    assert opened[0][0].chunks_read == [6]


def test_a_large_file_streams_with_flat_memory(browser, monkeypatch):
    course, lesson = _course_with("video")
    data = MP4 + bytes(20 * 1024 * 1024)
    row = add_media(lesson, "nl", "video", data, "video/mp4")
    del data
    browser.login(_learner_of(course).email)
    tracemalloc.start()
    try:
        response = browser.client.get(f"/training/media/{row.id}", buffered=False)
        received = sum(len(block) for block in response.response)
        response.close()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert received == row.size_bytes
    assert peak < 4 * 1024 * 1024  # a chunk and a few blocks, not the 20 MB file


# --- The learner's pages -----------------------------------------------------------------------------

def test_a_video_lesson_in_a_fallback_language_shows_the_notice_the_video_and_every_caption(browser):
    course, lesson = _course_with("video", titles={"nl": "Cursus"})
    video = add_media(lesson, "nl", "video", MP4, "video/mp4")
    add_media(lesson, "nl", "captions", VTT, "text/vtt")
    french = add_media(lesson, "fr", "captions", VTT.replace(b"Welkom bij de les", b"Bienvenue"), "text/vtt")
    browser.login(_learner_of(course, "fr").email)
    page = browser.get(f"/training/courses/{course.id}/lessons/{lesson.id}").text
    assert "Ce contenu n’est pas disponible dans votre langue" in page or "pas disponible" in page
    assert f'<source src="/training/media/{video.id}" type="video/mp4">' in page
    assert f'src="/training/media/{french.id}" srclang="fr" label="Français" default>' in page
    assert 'srclang="nl"' in page and "js/lesson-video.js" in page
    assert 'id="lesson-done"' in page  # without script the learner marks it done with the button


def test_a_document_lesson_shows_the_pdf_in_a_frame_with_a_download_link(browser):
    course, lesson = _course_with("document", titles={"nl": "Cursus", "de": "Kurs"})
    add_media(lesson, "nl", "document", PDF, "application/pdf")
    row = add_media(lesson, "de", "document", PDF + b"\n", "application/pdf")
    browser.login(_learner_of(course, "de").email)
    page = browser.get(f"/training/courses/{course.id}/lessons/{lesson.id}").text
    assert f'<iframe class="lesson-document" src="/training/media/{row.id}"' in page
    assert f'href="/training/media/{row.id}?download=1"' in page
    assert "Dokument herunterladen (PDF, 1 kB)" in page  # a small file in kB, never "0 MB"
    served = browser.get(f"/training/media/{row.id}")
    assert "frame-ancestors 'self'" in served.headers["Content-Security-Policy"]
    download = browser.get(f"/training/media/{row.id}?download=1")
    assert download.headers["Content-Disposition"] == f"attachment; filename=lesson-{lesson.id}-de.pdf"


def test_a_lesson_without_its_file_says_so(browser):
    course, lesson = _course_with("document")
    browser.login(_learner_of(course).email)
    page = browser.get(f"/training/courses/{course.id}/lessons/{lesson.id}").text
    assert "Het bestand van deze les is nog niet beschikbaar." in page


def test_watching_a_video_to_the_end_completes_the_lesson(browser):
    course, lesson = _course_with("video")
    add_media(lesson, "nl", "video", MP4, "video/mp4")
    learner = _learner_of(course)
    browser.login(learner.email)
    page_url = f"/training/courses/{course.id}/lessons/{lesson.id}"
    enrolment = db.session.scalar(select(Enrolment).where(Enrolment.user_id == learner.id))
    # What lesson-video.js posts when the video ends: the page's own form.
    response = browser.submit(f"/training/enrolments/{enrolment.id}/lessons/{lesson.id}/done", form_page=page_url)
    assert response.status_code == 302
    assert db.session.scalar(select(LessonProgress.lesson_id).where(LessonProgress.enrolment_id == enrolment.id)) \
        == lesson.id


def test_media_of_a_draft_is_hidden_from_learners_but_shown_to_its_authors(browser):
    course, lesson = _course_with("document")
    course.status = "draft"
    db.session.commit()
    row = add_media(lesson, "nl", "document", PDF, "application/pdf")
    browser.login(make_user().email)
    assert browser.get(f"/training/media/{row.id}").status_code == 404
    browser.logout()
    browser.login(make_user(role=PLATFORM_ADMIN).email)
    assert browser.get(f"/training/media/{row.id}").status_code == 200


def test_a_duplicated_course_keeps_its_lessons_files_sharing_the_stored_content(app):
    course, lesson = _course_with("video")
    add_media(lesson, "nl", "video", MP4, "video/mp4")
    add_media(lesson, "fr", "captions", VTT, "text/vtt")
    copy = duplicating.duplicate_course(course, actor=make_user(role=PLATFORM_ADMIN), code="COPY-1")
    db.session.commit()
    new_lesson = db.session.get(Lesson, lesson_ids(copy)[0])
    rows = db.session.scalars(select(LessonMedia).where(LessonMedia.lesson_id == new_lesson.id)).all()
    assert new_lesson.kind == "video"
    assert sorted((row.language, row.role) for row in rows) == [("fr", "captions"), ("nl", "video")]
    assert db.session.scalar(select(func.count()).select_from(storage.StoredFile)) == 2
