"""Classroom sessions of a course: dated parts, trainers, registrations and attendance per part."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from oscart.core.database import TimestampMixin, UTCDateTime, at_least, one_of, utcnow
from oscart.core.extensions import db
from oscart.core.i18n import LANGUAGES

REGISTERED = "registered"
WAITLISTED = "waitlisted"
CANCELLED = "cancelled"
REGISTRATION_STATUSES = (REGISTERED, WAITLISTED, CANCELLED)

PRESENT = "present"
LATE = "late"
LEFT_EARLY = "left_early"
EXCUSED = "excused"
ABSENT = "absent"
ATTENDANCE_STATUSES = (PRESENT, LATE, LEFT_EARLY, EXCUSED, ABSENT)


class TrainingSession(TimestampMixin, db.Model):
    """One run of a classroom (or live online) course; ``company_id`` set: an in-company session."""

    __table_args__ = (one_of("language", LANGUAGES), at_least("capacity", 1), at_least("total_minutes", 0),
                      CheckConstraint("ends_at >= starts_at", name="period"))

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), index=True)
    company_id: Mapped[int | None] = mapped_column(ForeignKey("company.id"), index=True)
    language: Mapped[str] = mapped_column(String(2), default="nl")
    capacity: Mapped[int] = mapped_column(Integer, default=12)
    place: Mapped[str] = mapped_column(String(300), default="")
    meeting_url: Mapped[str] = mapped_column(String(500), default="")
    # First start and last end of the parts, kept in step with them for filtering and sorting.
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    total_minutes: Mapped[int] = mapped_column(Integer, default=0)
    cancellation_deadline_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # Set when the session is called off (its registrations are cancelled with it; the row stays for history).
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    parts = relationship("SessionPart", back_populates="session", lazy="raise", order_by="SessionPart.starts_at",
                         cascade="all, delete-orphan")
    course = relationship("Course", lazy="raise")


class SessionPart(db.Model):
    __table_args__ = (CheckConstraint("ends_at > starts_at", name="period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("training_session.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)

    session = relationship("TrainingSession", back_populates="parts", lazy="raise")

    @property
    def minutes(self):
        return int((self.ends_at - self.starts_at).total_seconds() // 60)

    def has_started(self, now=None):
        return self.starts_at <= (now or utcnow())


class SessionTrainer(db.Model):
    __table_args__ = (UniqueConstraint("session_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("training_session.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)


class Registration(TimestampMixin, db.Model):
    """A trainee's place in a session (or on its waiting list); cancelled rows are kept, not deleted."""

    __table_args__ = (
        UniqueConstraint("session_id", "user_id"),
        one_of("status", REGISTRATION_STATUSES),
        # A place on the waiting list has a position, and only such a place; no two share one.
        CheckConstraint(f"(status = '{WAITLISTED}' AND position IS NOT NULL AND position >= 1) OR "
                        f"(status <> '{WAITLISTED}' AND position IS NULL)", name="waitlist_position"),
        UniqueConstraint("session_id", "position", name="uq_registration_waitlist_position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("training_session.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(12), default=REGISTERED, index=True)
    # Order on the waiting list (lowest moves up first); None once registered.
    position: Mapped[int | None] = mapped_column(Integer)
    is_walk_in: Mapped[bool] = mapped_column(Boolean, default=False)
    registered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The SEQUENCE of the next calendar message to this person about the session's events. Calendars ignore a
    # message whose SEQUENCE is lower than one they have seen for the event (RFC 5546), so it only goes up.
    calendar_sequence: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class Attendance(db.Model):
    """Attendance of one trainee in one session part; ``version`` guards against lost updates."""

    __table_args__ = (
        UniqueConstraint("part_id", "user_id"),
        one_of("status", ATTENDANCE_STATUSES),
        # Minutes within the part's length is checked by attendance.check_entry: the length is on another row.
        at_least("minutes", 0),
        CheckConstraint(f"minutes = 0 OR status NOT IN ('{ABSENT}', '{EXCUSED}')", name="absence_minutes"),
        at_least("version", 1),
        CheckConstraint("(signature IS NULL AND signed_at IS NULL) OR "
                        "(signature IS NOT NULL AND signed_at IS NOT NULL)", name="signature_time"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    part_id: Mapped[int] = mapped_column(ForeignKey("session_part.id", ondelete="CASCADE"), index=True)
    # The part's session, repeated so that reviews filter and aggregate without an extra join.
    session_id: Mapped[int] = mapped_column(ForeignKey("training_session.id", ondelete="CASCADE"), index=True)
    # The part's start, repeated so that review pages read the newest rows through an index (kept in step by
    # planning.save_session when a part moves).
    part_starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(12), index=True)
    minutes: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str] = mapped_column(Text, default="")
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The trainee's drawn signature on the sign-in sheet: a re-encoded greyscale PNG (see classroom.signatures);
    # the bytes load only when asked for (the sheet and the PDF select them explicitly).
    signature: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


# Labels beside the constants they name (forms, pages and exports read them).
STATUS_LABELS = {
    PRESENT: _l("Present"),
    LATE: _l("Late"),
    LEFT_EARLY: _l("Left early"),
    EXCUSED: _l("Excused"),
    ABSENT: _l("Absent"),
}
REGISTRATION_LABELS = {
    REGISTERED: _l("Registered"),
    WAITLISTED: _l("On the waiting list"),
    CANCELLED: _l("Cancelled"),
}
