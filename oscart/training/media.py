"""The files of video and document lessons: checked by their content, kept through oscart.core.storage, one per
lesson, language and role (video, captions, document)."""

import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from oscart.audit.services import record_event
from oscart.core import storage
from oscart.core.database import utcnow
from oscart.core.exceptions import NotFound, RuleViolation
from oscart.core.extensions import db
from oscart.core.i18n import is_language
from oscart.training.media_models import CAPTIONS, DOCUMENT, KIND_ROLES, VIDEO, LessonMedia
from oscart.training.models import PUBLISHED, Course, Lesson
from oscart.training.visibility import visible_to_company_clause

_HEAD_BYTES = 64
_TAIL_BYTES = 1024
_WEBVTT_HEADER = re.compile(r"\AWEBVTT(?:[ \t][^\r\n]*)?(?:\r\n|\r|\n|\Z)")
REFUSED = {VIDEO: _l("This file is not an MP4 or WebM video."),
           DOCUMENT: _l("This file is not a PDF document."),
           CAPTIONS: _l("This file is not a WebVTT caption file: its first line must be WEBVTT.")}
DAMAGED = {VIDEO: _l("This video is incomplete or damaged: it cannot be played."),
           DOCUMENT: _l("This PDF is incomplete or damaged: it has no end of file marker."),
           CAPTIONS: _l("These captions are not UTF-8 text.")}


def check_file(role, stream, *, max_bytes):
    """The content type of the upload in the seekable ``stream``, judged by its content (never by its name or
    by what the browser said); RuleViolation on the field ``file`` when it is empty, too large, of another type
    or damaged."""
    size = stream.seek(0, 2)
    if size == 0:
        raise RuleViolation(_l("Choose a file."), "file")
    if size > max_bytes:
        raise RuleViolation(_l("The file is larger than %(size)s MB.", size=max_bytes // (1024 * 1024)), "file")
    stream.seek(0)
    head = stream.read(_HEAD_BYTES)
    if role == VIDEO:
        return _video_type(head, size)
    if role == DOCUMENT:
        if not head.startswith(b"%PDF-"):
            raise RuleViolation(REFUSED[DOCUMENT], "file")
        stream.seek(max(0, size - _TAIL_BYTES))
        if b"%%EOF" not in stream.read():
            raise RuleViolation(DAMAGED[DOCUMENT], "file")
        return "application/pdf"
    stream.seek(0)
    try:
        text = stream.read().decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        raise RuleViolation(DAMAGED[CAPTIONS], "file") from None
    if not _WEBVTT_HEADER.match(text):
        raise RuleViolation(REFUSED[CAPTIONS], "file")
    return "text/vtt"


def _video_type(head, size):
    if head[4:8] == b"ftyp":  # ISO base media (MP4): a first box of type ftyp, no longer than the file
        box = int.from_bytes(head[:4], "big")
        if box < 8 or box > size:
            raise RuleViolation(DAMAGED[VIDEO], "file")
        return "video/mp4"
    if head[:4] == b"\x1a\x45\xdf\xa3":  # an EBML header; WebM names its document type in it
        if b"webm" not in head:
            raise RuleViolation(REFUSED[VIDEO], "file")
        return "video/webm"
    raise RuleViolation(REFUSED[VIDEO], "file")


def lesson_media(lesson_id):
    """{(language, role): LessonMedia} of one lesson."""
    found = db.session.scalars(select(LessonMedia).where(LessonMedia.lesson_id == lesson_id))
    return {(row.language, row.role): row for row in found}


def save_media(course, lesson, *, actor, language, role, stream, max_bytes):
    """Store an uploaded file as the lesson's ``role`` file in ``language`` (replacing the one before)."""
    if not is_language(language):
        raise NotFound()
    if role not in KIND_ROLES.get(lesson.kind, ()):
        raise RuleViolation(_l("This lesson does not take this kind of file."), "file")
    content_type = check_file(role, stream, max_bytes=max_bytes)
    stored = storage.save(stream)
    row = db.session.scalar(select(LessonMedia).where(LessonMedia.lesson_id == lesson.id,
                                                      LessonMedia.language == language, LessonMedia.role == role))
    old_key = row.file_key if row is not None else None
    if row is None:
        row = LessonMedia(lesson_id=lesson.id, language=language, role=role)
        db.session.add(row)
    row.file_key, row.content_type, row.size_bytes = stored.key, content_type, stored.size_bytes
    row.uploaded_by_id = actor.id
    row.uploaded_at = utcnow()
    db.session.flush()
    _discard_unused(old_key)
    record_event("training.lesson_file_saved", actor=actor, company_id=course.owner_company_id,
                 target=f"lesson:{lesson.id}", language=language, role=role, content_type=content_type,
                 size=stored.size_bytes, sha256=stored.key)
    return row


def remove_media(course, lesson, *, actor, language, role):
    row = db.session.scalar(select(LessonMedia).where(LessonMedia.lesson_id == lesson.id,
                                                      LessonMedia.language == language, LessonMedia.role == role))
    if row is None:
        raise NotFound()
    key = row.file_key
    db.session.delete(row)
    db.session.flush()
    _discard_unused(key)
    record_event("training.lesson_file_removed", actor=actor, company_id=course.owner_company_id,
                 target=f"lesson:{lesson.id}", language=language, role=role)


def discard_files_of(lesson_ids):
    """Before lessons are deleted (``lesson_ids``: ids or a select of them): their files, and the stored content
    that no other lesson uses."""
    keys = db.session.scalars(select(LessonMedia.file_key).where(LessonMedia.lesson_id.in_(lesson_ids))
                              .distinct()).all()
    db.session.execute(LessonMedia.__table__.delete().where(LessonMedia.lesson_id.in_(lesson_ids)))
    _discard_unused(*keys)


def _discard_unused(*keys):
    # A duplicated course shares its files with the original: the content goes when no lesson uses it.
    keys = {key for key in keys if key is not None}
    if keys:
        used = set(db.session.scalars(select(LessonMedia.file_key).where(LessonMedia.file_key.in_(keys))))
        storage.discard(*(keys - used))


def get_media_for(actor, media_id, *, manageable):
    """(LessonMedia, course id) of a course the actor sees in the catalogue (any status when the actor may
    manage it)."""
    visible = (Course.status == PUBLISHED) & visible_to_company_clause(actor.company_id)
    condition = visible | manageable if manageable is not None else visible
    row = db.session.scalar(select(LessonMedia).join(Lesson, Lesson.id == LessonMedia.lesson_id)
                            .join(Course, Course.id == Lesson.course_id)
                            .where(LessonMedia.id == media_id, condition))
    if row is None:
        raise NotFound()
    return row


def copy_media(lesson_ids):
    """For a duplicated course: the files of each lesson (``{old id: new id}``) given to its copy. The stored
    content is shared, not copied."""
    for row in db.session.scalars(select(LessonMedia).where(LessonMedia.lesson_id.in_(lesson_ids))).all():
        db.session.add(LessonMedia(lesson_id=lesson_ids[row.lesson_id], language=row.language, role=row.role,
                                   file_key=row.file_key, content_type=row.content_type, size_bytes=row.size_bytes,
                                   uploaded_by_id=row.uploaded_by_id, uploaded_at=row.uploaded_at))
    db.session.flush()
