from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from oscart.core.database import UTCDateTime, utcnow
from oscart.core.extensions import db


class AuditEvent(db.Model):
    """Append-only record of an action: who did what to whom, from where, when.

    ``seq``, ``prev_hash``, ``key_id`` and ``hash`` chain the events (see ``oscart.audit.chain``): ``hash`` is
    the HMAC, under the audit key ``key_id`` names, of the previous event's hash and this event's content.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, unique=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    company_id: Mapped[int | None] = mapped_column(ForeignKey("company.id", ondelete="SET NULL"), index=True)
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"), index=True)
    ip: Mapped[str | None] = mapped_column(String(45))
    action: Mapped[str] = mapped_column(String(60), index=True)
    target: Mapped[str | None] = mapped_column(String(120))
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    key_id: Mapped[str | None] = mapped_column(String(16))  # None: sealed before the chain was keyed
    # Set when personal data was removed from the event (erasure, retention); see oscart.audit.redaction.
    redacted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AuditChainHead(db.Model):
    """The one row (id 1) that holds the chain's last position; writers lock it to append in turn."""

    id: Mapped[int] = mapped_column(primary_key=True)
    last_seq: Mapped[int] = mapped_column(BigInteger)
    last_hash: Mapped[str] = mapped_column(String(64))


PURGE = "purge"
ANCHOR = "anchor"


class AuditCheckpoint(db.Model):
    """A signed position and hash of the chain (``mac``: HMAC under the audit key ``key_id`` names).

    ``purge``: left by a retention purge, the last purged event, where verification resumes.
    ``anchor``: left by ``flask audit checkpoint`` after checking the chain up to there, so that events sealed
    before the chain was keyed, or under a key since removed, still count.
    """

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(10), default=PURGE, server_default=PURGE)
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))
    purged_before: Mapped[datetime | None] = mapped_column(UTCDateTime)
    purged_count: Mapped[int] = mapped_column(Integer, default=0)
    key_id: Mapped[str | None] = mapped_column(String(16))
    mac: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
