"""Summaries the company pages read instead of the company's every enrolment, certificate and attendance row.

Both are kept in step with those rows inside the transaction that changes them (``oscart.assignments.tracking``),
so a page never reads a stale figure, and both can be rebuilt from the rows (``flask summaries rebuild``).
"""

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from oscart.core.database import UTCDateTime
from oscart.core.extensions import db


class MatrixCell(db.Model):
    """Where one visible person of a company stands in one course: what the cell's status is made of.

    A row exists while the person has an enrolment in the course, a current certificate of it or a place in one of
    its classroom sessions that has not ended. Everything stored is fixed until one of those rows changes, except
    the status, which depends on the time (a due date passes, a certificate starts to expire): ``status`` is the
    one it had when the row was written and holds until ``changes_at`` (empty: for good). Pages compute the status
    of a row whose ``changes_at`` has passed from the other columns (``oscart.assignments.cells``); the daily
    follow-up rewrites such rows.
    """

    __tablename__ = "matrix_cell"
    __table_args__ = (
        UniqueConstraint("user_id", "course_id"),
        # "Has this person a cell with this status", for the matrix's status filter, one probe per person; and
        # the person's rows whose stored status no longer holds.
        Index("ix_matrix_cell_user_status", "user_id", "status", "changes_at"),
        Index("ix_matrix_cell_user_changes_at", "user_id", "changes_at"),
        Index("ix_matrix_cell_changes_at", "changes_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id", ondelete="CASCADE"), index=True)
    # The enrolment (all empty or false without one)
    is_enrolled: Mapped[bool] = mapped_column(Boolean)
    is_completed: Mapped[bool] = mapped_column(Boolean)
    progress_percent: Mapped[int | None] = mapped_column(Integer)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The current certificates (neither revoked nor superseded): the latest last valid day, whether one never
    # expires, the latest completion day (empty: no current certificate)
    valid_until: Mapped[date | None] = mapped_column(Date)
    is_lasting: Mapped[bool] = mapped_column(Boolean)
    completed_on: Mapped[date | None] = mapped_column(Date)
    # Places in sessions not ended when the row was written: the last end, and the first session's start and end
    booked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    next_ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(12))
    changes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SummaryCount(db.Model):
    """How many rows of a kind a company counts for one item at one moment, for everyone or one group.

    ``scope_id`` is 0 for the whole company or a group's id (a person counts in the company and in each of their
    groups); ``item_id`` is a course, a group or 0, as the kind says; ``at`` is a moment (a month's start, a due
    date). Kinds and what they count are defined where they are counted (``oscart.assignments.counts`` and the
    features that add counters, such as reports). Rows whose count falls to 0 are removed.
    """

    __tablename__ = "summary_count"
    # In the order the report reads them: a company's counts of some kinds in a scope over a period.
    __table_args__ = (UniqueConstraint("company_id", "scope_id", "kind", "at", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id", ondelete="CASCADE"))
    scope_id: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(12))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    item_id: Mapped[int] = mapped_column(Integer)
    count: Mapped[int] = mapped_column(Integer)
