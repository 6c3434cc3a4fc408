"""An uploaded people file kept between the preview and the confirmation of an import (purged after a day)."""

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from oscart.core.database import UTCDateTime, utcnow
from oscart.core.extensions import db


class PeopleImport(db.Model):
    """One upload by one company admin: the file's header and rows as text, the chosen columns and the outcome."""

    id: Mapped[int] = mapped_column(primary_key=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("company.id", ondelete="CASCADE"), index=True)
    admin_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    filename: Mapped[str] = mapped_column(String(255))
    # The first line of the file and the lines after it, every cell as the text the file holds.
    header: Mapped[list] = mapped_column(JSON)
    rows: Mapped[list] = mapped_column(JSON)
    # Field name (email, first_name, ...) → index of the file's column; None until the admin chose.
    mapping: Mapped[dict | None] = mapped_column(JSON)
    invite_now: Mapped[bool] = mapped_column(Boolean, default=True)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The counts of the import once done (new, updated, unchanged, refused, invited).
    result: Mapped[dict | None] = mapped_column(JSON)

    def __repr__(self):
        return f"<PeopleImport {self.id} {self.filename!r}>"
