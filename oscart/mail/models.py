from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from oscart.core.database import UTCDateTime, at_least, one_of, utcnow
from oscart.core.extensions import db
from oscart.core.i18n import LANGUAGES

TRANSACTIONAL = "transactional"
MARKETING = "marketing"
KINDS = (TRANSACTIONAL, MARKETING)

PENDING = "pending"
SENT = "sent"
FAILED = "failed"
STATUSES = (PENDING, SENT, FAILED)


class OutboxMessage(db.Model):
    """A mail written in the same transaction as the change that caused it, sent afterwards."""

    __table_args__ = (one_of("kind", KINDS), one_of("status", STATUSES), one_of("language", LANGUAGES),
                      at_least("attempts", 0))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    recipient: Mapped[str] = mapped_column(String(254))
    kind: Mapped[str] = mapped_column(String(20), default=TRANSACTIONAL)
    template: Mapped[str] = mapped_column(String(60))
    language: Mapped[str] = mapped_column(String(2))
    subject: Mapped[str] = mapped_column(String(300))
    body_text: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    headers: Mapped[dict | None] = mapped_column(db.JSON)
    # Small files sent along (e.g. an .ics invitation): [{"filename", "content_type", "data" (base64)}].
    attachments: Mapped[list | None] = mapped_column(db.JSON)
    status: Mapped[str] = mapped_column(String(10), default=PENDING, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_error: Mapped[str | None] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
