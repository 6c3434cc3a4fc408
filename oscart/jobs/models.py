from datetime import datetime

from sqlalchemy import ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, deferred, mapped_column

from oscart.core.database import UTCDateTime, at_least, one_of, utcnow
from oscart.core.extensions import db

QUEUED = "queued"
RUNNING = "running"
DONE = "done"
FAILED = "failed"
STATUSES = (QUEUED, RUNNING, DONE, FAILED)


class Job(db.Model):
    """Bulk work a person started from a page (a ZIP of many certificates, an import, a campaign), run by a
    Celery task.

    Only its owner sees it and downloads its result, until ``expires_at``; then it is deleted. ``attempts``
    counts the claims: only the run holding the latest claim may store a result, so a job finishes once even
    when a worker that was thought dead comes back.
    """

    __table_args__ = (one_of("status", STATUSES), at_least("progress", 0), at_least("total", 0),
                      at_least("attempts", 0))

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    owner_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    company_id: Mapped[int | None] = mapped_column(ForeignKey("company.id", ondelete="CASCADE"), index=True)
    params: Mapped[dict] = mapped_column(db.JSON, default=dict)
    status: Mapped[str] = mapped_column(String(10), default=QUEUED, index=True)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    # While running: the claim is renewed with every step; a claim past this moment belongs to a dead worker.
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    error: Mapped[str | None] = mapped_column(String(200))
    result_name: Mapped[str | None] = mapped_column(String(200))
    result_type: Mapped[str | None] = mapped_column(String(80))
    result_size: Mapped[int | None] = mapped_column(Integer)
    # The file itself lives in the database like every file of the portal (backups hold it; any web process
    # serves it); loaded only for the download.
    result: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)

    @property
    def is_active(self):
        return self.status in (QUEUED, RUNNING)
