"""Courses, their translations and lessons, and who follows which course."""

from datetime import datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from oscart.core.database import TimestampMixin, UTCDateTime, at_least, one_of, percent, utcnow
from oscart.core.extensions import db
from oscart.core.i18n import LANGUAGES, fold_for_search

ELEARNING = "elearning"
CLASSROOM = "classroom"
BLENDED = "blended"
FORMATS = (ELEARNING, CLASSROOM, BLENDED)

DRAFT = "draft"
PUBLISHED = "published"
ARCHIVED = "archived"
COURSE_STATUSES = (DRAFT, PUBLISHED, ARCHIVED)

# Completion rules: all lessons, or all lessons and a passed knowledge check.
RULE_LESSONS = "lessons"
RULE_LESSONS_QUIZ = "lessons_quiz"
COMPLETION_RULES = (RULE_LESSONS, RULE_LESSONS_QUIZ)

IN_PROGRESS = "in_progress"
COMPLETED = "completed"
ENROLMENT_STATUSES = (IN_PROGRESS, COMPLETED)

TEXT_LESSON, VIDEO_LESSON, DOCUMENT_LESSON = "text", "video", "document"
LESSON_KINDS = (TEXT_LESSON, VIDEO_LESSON, DOCUMENT_LESSON)


class Course(TimestampMixin, db.Model):
    __table_args__ = (
        one_of("format", FORMATS), one_of("status", COURSE_STATUSES), one_of("default_language", LANGUAGES),
        one_of("completion_rule", COMPLETION_RULES), CheckConstraint("duration_hours > 0", name="duration_hours"),
        at_least("validity_months", 1), percent("attendance_threshold_percent"), at_least("version", 1),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(30), unique=True)
    format: Mapped[str] = mapped_column(String(12), default=ELEARNING)
    duration_hours: Mapped[Decimal] = mapped_column(Numeric(5, 1), default=Decimal("1.0"))
    # Months a certificate stays valid; None: it does not expire.
    validity_months: Mapped[int | None] = mapped_column(Integer)
    # Share of a session's minutes a trainee must attend for a classroom or blended course.
    attendance_threshold_percent: Mapped[int] = mapped_column(Integer, default=100)
    status: Mapped[str] = mapped_column(String(10), default=DRAFT, index=True)
    default_language: Mapped[str] = mapped_column(String(2), default="nl")
    # In the global catalogue (every company sees it) or only for the companies it is assigned to.
    is_global: Mapped[bool] = mapped_column(Boolean, default=True)
    # Set when a company admin authored the course: then only that company ever sees it.
    owner_company_id: Mapped[int | None] = mapped_column(ForeignKey("company.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completion_rule: Mapped[str] = mapped_column(String(20), default=RULE_LESSONS, server_default=RULE_LESSONS)
    # Grows with every save of the course screen: an editor that loaded an older version gets a conflict.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    translations = relationship("CourseTranslation", back_populates="course", lazy="raise",
                                cascade="all, delete-orphan")
    lessons = relationship("Lesson", back_populates="course", lazy="raise", order_by="Lesson.position",
                           cascade="all, delete-orphan")


class CourseTranslation(db.Model):
    __table_args__ = (UniqueConstraint("course_id", "language"), one_of("language", LANGUAGES))

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(String(2))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    # What a learner can do after the course, one per line.
    objectives: Mapped[str] = mapped_column(Text, default="", server_default="")
    # Title and summary folded for the catalogue search (see fold_for_search), kept in step at every save.
    search_text: Mapped[str] = mapped_column(Text, default="", server_default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    course = relationship("Course", back_populates="translations", lazy="raise")


@event.listens_for(CourseTranslation, "before_insert")
@event.listens_for(CourseTranslation, "before_update")
def _fold_for_search(_mapper, _connection, translation):
    translation.search_text = fold_for_search(f"{translation.title} {translation.summary or ''}")


class CourseCompany(db.Model):
    """Assignment of a non-global course to a customer company."""

    __table_args__ = (UniqueConstraint("course_id", "company_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id", ondelete="CASCADE"), index=True)
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Lesson(db.Model):
    __table_args__ = (one_of("kind", LESSON_KINDS), at_least("position", 1))

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=1)
    kind: Mapped[str] = mapped_column(String(10), default="text")

    course = relationship("Course", back_populates="lessons", lazy="raise")


class LessonTranslation(db.Model):
    __table_args__ = (UniqueConstraint("lesson_id", "language"), one_of("language", LANGUAGES))

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lesson.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(String(2))
    title: Mapped[str] = mapped_column(String(200))
    body_source: Mapped[str] = mapped_column(Text, default="")  # Markdown as written
    body_html: Mapped[str] = mapped_column(Text, default="")  # sanitised with nh3 before storage
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class Enrolment(db.Model):
    """A user following a course: the record of who followed which training."""

    __table_args__ = (UniqueConstraint("user_id", "course_id"), one_of("status", ENROLMENT_STATUSES),
                      percent("progress_percent"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), index=True)
    status: Mapped[str] = mapped_column(String(12), default=IN_PROGRESS, index=True)
    progress_percent: Mapped[int] = mapped_column(Integer, default=0)
    enrolled_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    assigned_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    last_lesson_id: Mapped[int | None] = mapped_column(ForeignKey("lesson.id", ondelete="SET NULL"))
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user = relationship("User", foreign_keys=[user_id], lazy="raise")
    course = relationship("Course", lazy="raise")

    @property
    def is_completed(self):
        return self.status == COMPLETED


class LessonProgress(db.Model):
    __table_args__ = (UniqueConstraint("enrolment_id", "lesson_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolment.id", ondelete="CASCADE"), index=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lesson.id", ondelete="CASCADE"), index=True)
    completed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LessonImage(db.Model):
    """An uploaded lesson image, re-encoded (metadata stripped) and served by the portal itself."""

    __table_args__ = (CheckConstraint("width > 0 AND height > 0", name="size"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    content_type: Mapped[str] = mapped_column(String(20))
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CourseView(db.Model):
    """When a user last opened a course page (one row per user and course), e.g. for a follow-up offer."""

    __table_args__ = (UniqueConstraint("user_id", "course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    viewed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


class CompanyNews(TimestampMixin, db.Model):
    """A welcome text or news item a company admin shows to the own employees."""

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    body_source: Mapped[str] = mapped_column(Text, default="")
    body_html: Mapped[str] = mapped_column(Text, default="")  # sanitised with nh3 before storage
    is_pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))


# Labels beside the constants they name (forms, pages and exports read them).
FORMAT_LABELS = {"elearning": _l("E-learning"), "classroom": _l("Classroom"), "blended": _l("Blended")}
LESSON_KIND_LABELS = {"text": _l("Text"), "video": _l("Video"), "document": _l("Document (PDF)")}
RULE_LABELS = {"lessons": _l("All lessons done"), "lessons_quiz": _l("All lessons done and knowledge check passed")}
STATUS_LABELS = {"draft": _l("Draft"), "published": _l("Published"), "archived": _l("Archived")}
