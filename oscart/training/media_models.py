"""The files of video and document lessons: per lesson and language a video, its captions, or a PDF."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import BigInteger, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from oscart.core.database import UTCDateTime, one_of, utcnow
from oscart.core.extensions import db
from oscart.core.i18n import LANGUAGES
from oscart.core.storage import StoredFile  # noqa: F401 (the stored files' tables come with this model)

VIDEO, CAPTIONS, DOCUMENT = "video", "captions", "document"
MEDIA_ROLES = (VIDEO, CAPTIONS, DOCUMENT)
# Which files each lesson kind takes (a text lesson takes none).
KIND_ROLES = {"text": (), "video": (VIDEO, CAPTIONS), "document": (DOCUMENT,)}


class LessonMedia(db.Model):
    """A file of one language version of a lesson; the bytes are in the storage (oscart.core.storage)."""

    __table_args__ = (UniqueConstraint("lesson_id", "language", "role"), one_of("language", LANGUAGES),
                      one_of("role", MEDIA_ROLES))

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lesson.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(String(2))
    role: Mapped[str] = mapped_column(String(10))
    file_key: Mapped[str] = mapped_column(ForeignKey("stored_file.key"), index=True)
    content_type: Mapped[str] = mapped_column(String(40))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


FILE_LABELS = {VIDEO: _l("Video (MP4 or WebM)"), CAPTIONS: _l("Captions (WebVTT)"), DOCUMENT: _l("Document (PDF)")}
