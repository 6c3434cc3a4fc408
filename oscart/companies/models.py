from sqlalchemy import Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from oscart.database import TimestampMixin, one_of
from oscart.extensions import db
from oscart.i18n import LANGUAGES

TWO_STEP_POLICIES = ("none", "admins", "all")


class Company(TimestampMixin, db.Model):
    __table_args__ = (one_of("default_language", LANGUAGES), one_of("two_step_policy", TWO_STEP_POLICIES))

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    vat_number: Mapped[str | None] = mapped_column(String(30))
    default_language: Mapped[str] = mapped_column(String(2), default="nl")
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Who must use two-step authentication: "none", "admins" (company admins) or "all" users.
    two_step_policy: Mapped[str] = mapped_column(String(10), default="none", server_default="none")

    def __repr__(self):
        return f"<Company {self.id} {self.name!r}>"
