"""A trainee's personal calendar feed: a secret address that calendar apps subscribe to without logging in."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from oscart.core.database import UTCDateTime, utcnow
from oscart.core.extensions import db


class CalendarFeed(db.Model):
    """One per person at most; only the SHA-256 of the secret in the address is stored, so a copy of the
    database does not give anyone the feed. Renewing replaces the hash (the old address answers 404)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), unique=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
