from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from oscart.core.database import TimestampMixin, UTCDateTime, at_least, one_of, utcnow
from oscart.core.extensions import db
from oscart.core.i18n import LANGUAGES

TWO_STEP_POLICIES = ("none", "admins", "all")


class Company(TimestampMixin, db.Model):
    __table_args__ = (one_of("default_language", LANGUAGES), one_of("two_step_policy", TWO_STEP_POLICIES),
                      at_least("reminder_days_before", 0))

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    vat_number: Mapped[str | None] = mapped_column(String(30))
    default_language: Mapped[str] = mapped_column(String(2), default="nl")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Who must use two-step authentication: "none", "admins" (company admins) or "all" users.
    two_step_policy: Mapped[str] = mapped_column(String(10), default="none", server_default="none")
    # How many days before a due date the trainee gets a reminder (0: none before the due date).
    reminder_days_before: Mapped[int] = mapped_column(Integer, default=7, server_default="7")
    # The company's logo on printed documents (sign-in sheets): a re-encoded PNG, loaded only when asked for.
    logo: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    logo_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self):
        return f"<Company {self.id} {self.name!r}>"


# An invitation neither accepted nor revoked (it may have expired: resending renews it).
OPEN_INVITATION = "accepted_at IS NULL AND revoked_at IS NULL"


class Invitation(db.Model):
    """A company admin's invitation of one e-mail address to a trainee account in the company.

    The mail holds a random token; only its SHA-256 digest is stored, so the table does not open accounts.
    """

    __table_args__ = (
        # At most one open invitation per company and address; another company may invite the same address.
        Index("uq_invitation_open_per_company", "company_id", "email", unique=True,
              sqlite_where=text(OPEN_INVITATION), postgresql_where=text(OPEN_INVITATION)),
        one_of("language", LANGUAGES),
        CheckConstraint("expires_at > created_at", name="period"),
        CheckConstraint("accepted_at IS NULL OR revoked_at IS NULL", name="one_outcome"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id", ondelete="CASCADE"), index=True)
    # Stored normalised (NFKC, case-folded) like User.email.
    email: Mapped[str] = mapped_column(String(254))
    language: Mapped[str] = mapped_column(String(2))
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    accepted_user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)

    def __repr__(self):
        return f"<Invitation {self.id} {self.email!r}>"


GROUP_KINDS = ("department", "site", "team")


class Group(TimestampMixin, db.Model):
    """A department, site or team of one company; a person can be in several."""

    __tablename__ = "company_group"  # GROUP is a reserved word in SQL
    __table_args__ = (UniqueConstraint("company_id", "name"), one_of("kind", GROUP_KINDS))

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(12), default="department", server_default="department")

    def __repr__(self):
        return f"<Group {self.id} {self.name!r}>"


class GroupMember(db.Model):
    """One person in one group (both of the same company: the services check it)."""

    __tablename__ = "company_group_member"
    __table_args__ = (UniqueConstraint("group_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    group_id: Mapped[int] = mapped_column(ForeignKey("company_group.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class JobRole(TimestampMixin, db.Model):
    """A job role of one company (a person has at most one)."""

    __table_args__ = (UniqueConstraint("company_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))

    def __repr__(self):
        return f"<JobRole {self.id} {self.name!r}>"
