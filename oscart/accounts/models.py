from datetime import datetime

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from oscart.core.database import TimestampMixin, UTCDateTime, at_least, one_of, utcnow
from oscart.core.encryption import EncryptedString
from oscart.core.extensions import db
from oscart.core.i18n import LANGUAGES
from oscart.core.security import PLATFORM_ADMIN, ROLES, TRAINEE


class User(TimestampMixin, db.Model):
    __table_args__ = (one_of("role", ROLES), one_of("language", LANGUAGES), at_least("failed_login_count", 0),
                      UniqueConstraint("company_id", "employee_number"),
                      # A company's people by name, with who is shown: a page of a list of thousands read in
                      # index order, and counted from the index alone.
                      Index("ix_user_company_name", "company_id", "last_name", "first_name", "id", "is_active",
                            "is_restricted", "is_anonymised"))

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored normalised (NFKC, case-folded), so uniqueness is case-insensitive.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    language: Mapped[str] = mapped_column(String(2), default="nl")
    role: Mapped[str] = mapped_column(String(20), default=TRAINEE)
    company_id: Mapped[int | None] = mapped_column(ForeignKey("company.id"), index=True)
    password_hash: Mapped[str | None] = mapped_column(String(255))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_login_count: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_login_ip: Mapped[str | None] = mapped_column(String(45))
    password_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Two-step authentication: the TOTP secret (set at enrolment, active once enabled_at is set; encrypted at
    # rest) and the last time step a code was accepted for, so that no code works twice.
    two_step_secret: Mapped[str | None] = mapped_column(EncryptedString)
    two_step_enabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    two_step_last_step: Mapped[int | None] = mapped_column(BigInteger)
    # Profile photo: a re-encoded square JPEG without metadata; the bytes load only when asked for.
    photo: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    photo_mime: Mapped[str | None] = mapped_column(String(20))
    photo_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Privacy: restricted (storage only: no mail, hidden from lists) and anonymised (erased person).
    is_restricted: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    is_anonymised: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())
    anonymised_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Company workspace: the employer's own number, job role and manager (for overdue reminders).
    employee_number: Mapped[str | None] = mapped_column(String(50))
    job_role_id: Mapped[int | None] = mapped_column(ForeignKey("job_role.id", ondelete="SET NULL"), index=True)
    manager_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    # Set when a company admin deactivated the person (is_active is then False); records are kept.
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The person turned off the reminders that are not essential (digests, before-due reminders).
    reminders_opt_out: Mapped[bool] = mapped_column(Boolean, default=False, server_default=sa_false())

    company = relationship("Company", lazy="raise")

    # Set by the user loader: the server-side session record this request runs under.
    session_record = None

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def is_authenticated(self):
        return True

    @property
    def is_anonymous(self):
        return False

    @property
    def has_two_step(self):
        return self.two_step_enabled_at is not None

    @property
    def has_photo(self):
        return self.photo_updated_at is not None

    @property
    def is_platform_admin(self):
        return self.role == PLATFORM_ADMIN

    def is_locked(self, now=None):
        return self.locked_until is not None and self.locked_until > (now or utcnow())

    def get_id(self):
        """Flask-Login stores the session record's token, never the user id."""
        return self.session_record.token if self.session_record is not None else None

    def __repr__(self):
        return f"<User {self.id} {self.email!r}>"
