"""A stored file goes when the last lesson file referring to it goes (replaced, removed, its lesson or its course
deleted), in the database (row and chunks) and in the folder (the file on disk, once the change has committed);
content another lesson still uses stays, and a change rolled back loses nothing."""

import hashlib
import io

import pytest
from sqlalchemy import func, select

from oscart.core import storage
from oscart.core.extensions import db
from oscart.core.security import PLATFORM_ADMIN
from oscart.training import authoring, duplicating, media
from oscart.training.models import Lesson
from tests.factories import lesson_ids, make_elearning_course, make_user
from tests.media_helpers import MP4, VTT, WEBM, add_media

OTHER_VTT = b"WEBVTT\n\n00:00.000 --> 00:02.000\nBienvenue\n"


@pytest.fixture(params=[storage.DATABASE, storage.FOLDER])
def backend(request, app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "FILE_STORAGE", request.param)
    monkeypatch.setitem(app.config, "FILE_STORAGE_PATH", str(tmp_path / "files"))
    monkeypatch.setattr(storage, "CHUNK_BYTES", 1000)  # a video of several chunks
    return request.param


@pytest.fixture
def author(browser):
    admin = make_user(role=PLATFORM_ADMIN)
    browser.login(admin.email)
    return admin


def _video_course(status="draft"):
    course = make_elearning_course(titles={"nl": "Cursus"}, lessons=1, status=status)
    lesson = db.session.get(Lesson, lesson_ids(course)[0])
    lesson.kind = "video"
    db.session.commit()
    return course, lesson


def _key(data):
    return hashlib.sha256(data).hexdigest()


def _is_kept(data):
    """Whether the content ``data`` is stored: its row, and its chunks or its file in the folder."""
    key = _key(data)
    stored = db.session.get(storage.StoredFile, key)
    chunks = db.session.scalar(select(func.count()).select_from(storage.StoredChunk)
                               .where(storage.StoredChunk.file_key == key))
    on_disk = storage._path(key).is_file()
    if stored is None:
        assert not chunks and not on_disk, "a forgotten file left its bytes behind"
        return False
    assert (chunks > 0) if stored.backend == storage.DATABASE else on_disk
    return True


def _copy_of(course):
    copy = duplicating.duplicate_course(course, actor=make_user(role=PLATFORM_ADMIN), code=f"COPY-{course.id}")
    db.session.commit()
    return copy


def _upload(browser, course, lesson, role, data, lang="nl"):
    url = f"/training/manage/{course.id}/lessons/{lesson.id}/{lang}/files"
    response = browser.submit(url, {"role": role, "file": (io.BytesIO(data), "upload.bin")},
                              content_type="multipart/form-data")
    assert response.status_code == 302


def _remove(browser, course, lesson, role, lang="nl"):
    response = browser.submit(f"/training/manage/{course.id}/lessons/{lesson.id}/{lang}/files/remove", {"role": role})
    assert response.status_code == 302


# --- One lesson refers to the file ----------------------------------------------------------------------------

def test_a_replaced_video_is_forgotten(browser, backend, author):
    course, lesson = _video_course()
    _upload(browser, course, lesson, "video", MP4)
    _upload(browser, course, lesson, "video", WEBM)
    assert not _is_kept(MP4) and _is_kept(WEBM)


def test_removed_captions_are_forgotten(browser, backend, author):
    course, lesson = _video_course()
    _upload(browser, course, lesson, "captions", VTT)
    _remove(browser, course, lesson, "captions")
    assert not _is_kept(VTT)


def test_a_deleted_lesson_s_files_are_forgotten(browser, backend, author):
    course, lesson = _video_course()
    add_media(lesson, "nl", "video", MP4, "video/mp4")
    add_media(lesson, "fr", "captions", VTT, "text/vtt")
    response = browser.submit(f"/training/manage/{course.id}/lessons/{lesson.id}/delete")
    assert response.status_code == 302
    assert not _is_kept(MP4) and not _is_kept(VTT)


def test_a_deleted_course_s_files_are_forgotten(browser, backend, author):
    course, lesson = _video_course()
    add_media(lesson, "nl", "video", MP4, "video/mp4")
    add_media(lesson, "de", "captions", VTT, "text/vtt")
    response = browser.submit(f"/training/manage/{course.id}/status", {"action": "delete"})
    assert response.status_code == 302 and response.headers["Location"] == "/training/manage/"
    assert not _is_kept(MP4) and not _is_kept(VTT)


# --- Two lessons refer to the file (a duplicated course shares it) -------------------------------------------

def test_a_video_replaced_in_one_course_stays_for_its_copy(browser, backend, author):
    course, lesson = _video_course()
    add_media(lesson, "nl", "video", MP4, "video/mp4")
    _copy_of(course)
    _upload(browser, course, lesson, "video", WEBM)
    assert _is_kept(MP4) and _is_kept(WEBM)


def test_captions_removed_from_one_course_stay_for_its_copy(browser, backend, author):
    course, lesson = _video_course()
    add_media(lesson, "nl", "captions", VTT, "text/vtt")
    copy = _copy_of(course)
    _remove(browser, course, lesson, "captions")
    assert _is_kept(VTT)
    copied = db.session.get(Lesson, lesson_ids(copy)[0])
    _remove(browser, copy, copied, "captions")
    assert not _is_kept(VTT)


def test_a_deleted_lesson_s_video_stays_for_the_copy_s_lesson(browser, backend, author):
    course, lesson = _video_course()
    add_media(lesson, "nl", "video", MP4, "video/mp4")
    copy = _copy_of(course)
    assert browser.submit(f"/training/manage/{course.id}/lessons/{lesson.id}/delete").status_code == 302
    assert _is_kept(MP4)
    copied = lesson_ids(copy)[0]
    assert browser.submit(f"/training/manage/{copy.id}/lessons/{copied}/delete").status_code == 302
    assert not _is_kept(MP4)


def test_a_deleted_course_s_video_stays_for_its_copy_and_goes_with_the_copy(browser, backend, author):
    course, lesson = _video_course()
    add_media(lesson, "nl", "video", MP4, "video/mp4")
    copy = _copy_of(course)
    assert browser.submit(f"/training/manage/{course.id}/status", {"action": "delete"}).status_code == 302
    assert _is_kept(MP4)
    assert browser.submit(f"/training/manage/{copy.id}/status", {"action": "delete"}).status_code == 302
    assert not _is_kept(MP4)


def test_the_same_content_in_two_languages_of_one_lesson_stays_until_both_go(app, backend):
    course, lesson = _video_course()
    add_media(lesson, "nl", "captions", VTT, "text/vtt")
    add_media(lesson, "fr", "captions", VTT, "text/vtt")
    admin = make_user(role=PLATFORM_ADMIN)
    media.remove_media(course, lesson, actor=admin, language="nl", role="captions")
    db.session.commit()
    assert _is_kept(VTT)
    media.remove_media(course, lesson, actor=admin, language="fr", role="captions")
    db.session.commit()
    assert not _is_kept(VTT)


# --- Transactions ----------------------------------------------------------------------------------------------

def test_a_rolled_back_removal_keeps_the_file(app, backend):
    course, lesson = _video_course()
    add_media(lesson, "nl", "video", MP4, "video/mp4")
    media.remove_media(course, lesson, actor=make_user(role=PLATFORM_ADMIN), language="nl", role="video")
    if backend == storage.FOLDER:
        assert storage._path(_key(MP4)).is_file()  # not before the commit
    db.session.rollback()
    assert _is_kept(MP4)
    reader, size = storage.open_file(_key(MP4))
    with reader:
        assert reader.read() == MP4 and size == len(MP4)
    db.session.commit()  # a later commit does not remove it either
    assert _is_kept(MP4)


def test_a_rolled_back_course_deletion_keeps_its_files(app, backend):
    course, lesson = _video_course()
    add_media(lesson, "nl", "video", MP4, "video/mp4")
    authoring.delete_course(course, actor=make_user(role=PLATFORM_ADMIN))
    db.session.rollback()
    assert _is_kept(MP4)


def test_content_stored_again_before_the_commit_stays(app, backend):
    course, lesson = _video_course()
    add_media(lesson, "nl", "captions", VTT, "text/vtt")
    admin = make_user(role=PLATFORM_ADMIN)
    media.remove_media(course, lesson, actor=admin, language="nl", role="captions")
    media.save_media(course, lesson, actor=admin, language="fr", role="captions", stream=io.BytesIO(VTT),
                     max_bytes=1000)
    db.session.commit()
    assert _is_kept(VTT)
    reader, _size = storage.open_file(_key(VTT))
    with reader:
        assert reader.read() == VTT


def test_a_replacement_rolled_back_keeps_the_old_file_and_leaves_nothing_of_the_new(app, backend):
    course, lesson = _video_course()
    add_media(lesson, "nl", "captions", VTT, "text/vtt")
    media.save_media(course, lesson, actor=make_user(role=PLATFORM_ADMIN), language="nl", role="captions",
                     stream=io.BytesIO(OTHER_VTT), max_bytes=1000)
    db.session.rollback()
    assert _is_kept(VTT)
    assert not _is_kept(OTHER_VTT)  # neither its row nor, in the folder, the file it wrote
