"""Rules of required training, the enrolments each rule made, and the reminders already sent."""

from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from oscart.core.database import TimestampMixin, UTCDateTime, at_least, one_of, utcnow
from oscart.core.extensions import db

# When the next round of a rule's course starts: never, every ``repeat_months`` after completion, or when the
# certificate of the last completion expires.
REPEAT_NEVER = "never"
REPEAT_MONTHS = "months"
REPEAT_EXPIRY = "expiry"
REPEATS = (REPEAT_NEVER, REPEAT_MONTHS, REPEAT_EXPIRY)


class TrainingRule(TimestampMixin, db.Model):
    """"Everyone in group G (and/or with job role R) completes course C within N days of joining"; with both a
    group and a role, the rule covers the people of the group who have the role."""

    __table_args__ = (
        one_of("repeat_mode", REPEATS),
        at_least("due_within_days", 1),
        at_least("repeat_months", 1),
        CheckConstraint("group_id IS NOT NULL OR job_role_id IS NOT NULL", name="target"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    group_id: Mapped[int | None] = mapped_column(ForeignKey("company_group.id", ondelete="CASCADE"), index=True)
    job_role_id: Mapped[int | None] = mapped_column(ForeignKey("job_role.id", ondelete="CASCADE"), index=True)
    due_within_days: Mapped[int] = mapped_column(Integer, default=30)
    repeat_mode: Mapped[str] = mapped_column(String(10), default=REPEAT_NEVER)
    # Set for REPEAT_MONTHS only (the service keeps it empty otherwise).
    repeat_months: Mapped[int | None] = mapped_column(Integer)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))

    def __repr__(self):
        return f"<TrainingRule {self.id} course={self.course_id}>"


class RuleAssignment(db.Model):
    """A rule requires an enrolment: one row per rule and person while the rule covers the person.

    The enrolment's ``due_at`` is the earliest due date of its rows (or the one a company admin set); a row goes
    when the person leaves the group or role or the rule is deleted. ``made_enrolment``: the rule created the
    enrolment, so ending an untouched one removes it.
    """

    __table_args__ = (UniqueConstraint("rule_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Empty once the rule is gone without ending its assignments (its group or job role was deleted, which
    # deletes the rule): the next reconcile or follow-up ends such rows.
    rule_id: Mapped[int | None] = mapped_column(ForeignKey("training_rule.id", ondelete="SET NULL"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    enrolment_id: Mapped[int] = mapped_column(ForeignKey("enrolment.id", ondelete="CASCADE"), index=True)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    made_enrolment: Mapped[bool] = mapped_column(Boolean, default=False)


REMINDER_KINDS = ("due_soon", "overdue", "overdue_manager", "session_tomorrow", "digest")


class ReminderSent(db.Model):
    """One reminder mail that went out: the unique key makes each reminder go once, also from two workers.

    ``subject``: what it is about ("enrolment:12", "session:3", "company:5"); ``period``: the due date, session
    day or ISO week it belongs to, so a new due date or a new week is a new reminder.
    """

    __table_args__ = (UniqueConstraint("kind", "user_id", "subject", "period"), one_of("kind", REMINDER_KINDS))

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    subject: Mapped[str] = mapped_column(String(40))
    period: Mapped[str] = mapped_column(String(10))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
