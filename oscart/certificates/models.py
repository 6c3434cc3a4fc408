"""Issued certificates: what was printed, the PDF bytes as issued, and their life (superseded, revoked)."""

from datetime import date, datetime, timedelta
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, LargeBinary, Numeric, String, text
from sqlalchemy.orm import Mapped, deferred, mapped_column

from oscart.core.database import UTCDateTime, at_least, one_of, utcnow
from oscart.core.extensions import db
from oscart.core.i18n import LANGUAGES

VALID = "valid"
EXPIRING = "expiring"
EXPIRED = "expired"
SUPERSEDED = "superseded"
REVOKED = "revoked"
STATUSES = (VALID, EXPIRING, EXPIRED, SUPERSEDED, REVOKED)

AUTOMATIC = "automatic"
MANUAL = "manual"
REISSUE = "reissue"
ORIGINS = (AUTOMATIC, MANUAL, REISSUE)

CURRENT = "revoked_at IS NULL AND superseded_at IS NULL"
# As services.status_clause writes the two filters, term for term: SQLite uses a partial index only then.
REVOKED_ROW = "revoked_at IS NOT NULL"
SUPERSEDED_ROW = "superseded_at IS NOT NULL AND revoked_at IS NULL"


class Certificate(db.Model):
    """One issued certificate. The printed facts are copied here at issue time (a later change of the
    trainee's name or the course title never changes them) and the PDF is stored exactly as issued."""

    __table_args__ = (
        Index("ix_certificate_company_valid_until", "company_id", "valid_until"),
        # The newest first, per person (dashboard, profile) and per company (company list): read in index
        # order, so a plan never walks every certificate to find one person's few.
        Index("ix_certificate_user_completed_on", "user_id", "completed_on"),
        Index("ix_certificate_company_completed_on", "company_id", "completed_on"),
        # The company list's "revoked" and "superseded" filters: the few such certificates, newest first, instead
        # of a walk of every certificate of the company (SQLite, without statistics, took 20 ms at 30,000).
        Index("ix_certificate_company_revoked", "company_id", "completed_on",
              sqlite_where=text(REVOKED_ROW), postgresql_where=text(REVOKED_ROW)),
        Index("ix_certificate_company_superseded", "company_id", "completed_on",
              sqlite_where=text(SUPERSEDED_ROW), postgresql_where=text(SUPERSEDED_ROW)),
        # Answers the company list's filter menus (who and which courses) without reading the rows, which
        # hold the PDFs.
        Index("ix_certificate_company_people_courses", "company_id", "course_id", "course_title", "user_id"),
        # One current certificate per person, course and cycle (the completion it attests): a re-issue
        # supersedes the one it replaces, a refresher completes on a later day.
        Index("uq_certificate_current_per_cycle", "user_id", "course_id", "completed_on", unique=True,
              sqlite_where=text(CURRENT), postgresql_where=text(CURRENT)),
        one_of("origin", ORIGINS),
        one_of("language", LANGUAGES),
        at_least("hours", 0),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Read aloud and typed by verifiers: four groups of four from an unambiguous alphabet (see codes.py).
    code: Mapped[str] = mapped_column(String(19), unique=True)
    # Makes issuing idempotent: one certificate per completion, per re-issue, per manual request.
    issue_key: Mapped[str] = mapped_column(String(80), unique=True)
    origin: Mapped[str] = mapped_column(String(10), default=AUTOMATIC)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    # The holder's company when it was issued: the company that may list and download it.
    company_id: Mapped[int | None] = mapped_column(ForeignKey("company.id"))
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id"), index=True)
    enrolment_id: Mapped[int | None] = mapped_column(ForeignKey("enrolment.id", ondelete="SET NULL"), index=True)
    # The classroom session it was earned in; a plain id so certificates do not depend on the classroom tables.
    session_id: Mapped[int | None] = mapped_column(Integer)
    reissue_of_id: Mapped[int | None] = mapped_column(ForeignKey("certificate.id"), unique=True)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    language: Mapped[str] = mapped_column(String(2))
    holder_name: Mapped[str] = mapped_column(String(201))
    course_title: Mapped[str] = mapped_column(String(200))
    hours: Mapped[Decimal] = mapped_column(Numeric(5, 1))
    place: Mapped[str | None] = mapped_column(String(200))
    trainer_name: Mapped[str | None] = mapped_column(String(201))
    started_on: Mapped[date | None] = mapped_column(Date)
    completed_on: Mapped[date] = mapped_column(Date, index=True)

    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Last day the certificate is valid (Brussels calendar), from Course.validity_months; None: no expiry.
    valid_until: Mapped[date | None] = mapped_column(Date, index=True)
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_reason: Mapped[str | None] = mapped_column(String(500))
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    reminder_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    # Never loaded with the row; downloads read it on its own.
    pdf: Mapped[bytes] = deferred(mapped_column(LargeBinary, nullable=False))
    pdf_sha256: Mapped[str] = mapped_column(String(64))
    pdf_size: Mapped[int] = mapped_column(Integer)
    is_signed: Mapped[bool] = mapped_column(Boolean, default=False)

    def status(self, today, expiring_days=30):
        return certificate_status(self.revoked_at, self.superseded_at, self.valid_until, today, expiring_days)

    def __repr__(self):
        return f"<Certificate {self.id} {self.code}>"


def certificate_status(revoked_at, superseded_at, valid_until, today, expiring_days=30):
    """The one status a verifier or an HR person reads, from the row's dates."""
    if revoked_at is not None:
        return REVOKED
    if superseded_at is not None:
        return SUPERSEDED
    if valid_until is not None and valid_until < today:
        return EXPIRED
    if valid_until is not None and valid_until <= today + timedelta(days=expiring_days):
        return EXPIRING
    return VALID


# Labels beside the constants they name (forms, pages and exports read them).
STATUS_LABELS = {
    VALID: _l("Valid"),
    EXPIRING: _l("Expiring soon"),
    EXPIRED: _l("Expired"),
    SUPERSEDED: _l("Superseded"),
    REVOKED: _l("Revoked"),
}
