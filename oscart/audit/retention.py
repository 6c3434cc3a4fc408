"""Retention: purge old audit events, leaving a checkpoint so that the rest of the chain still verifies."""

from sqlalchemy import delete, func, select

from oscart.audit.chain import latest_checkpoint, lock_head
from oscart.audit.models import PURGE, AuditCheckpoint, AuditEvent
from oscart.audit.services import record_event
from oscart.audit.verification import sign_checkpoint
from oscart.core.extensions import db


def purge_events(before):
    """Delete the events recorded before ``before`` (a UTC datetime) and return how many went.

    Purges a prefix of the chain: every event up to the last one before the first event kept, so the
    checkpoint (position and hash of the last purged event) is where verification resumes.
    """
    head_seq, head_hash = lock_head(advance=0)  # wait for, then hold off, concurrent writers
    if head_seq is None:
        return 0
    first_kept = db.session.scalar(select(func.min(AuditEvent.seq)).where(AuditEvent.at >= before))
    last_purged = head_seq if first_kept is None else first_kept - 1
    checkpoint = latest_checkpoint()
    if last_purged <= (checkpoint.seq if checkpoint else 0):
        return 0
    last_hash = db.session.scalar(select(AuditEvent.hash).where(AuditEvent.seq == last_purged))
    if last_hash is None:
        last_hash = head_hash if last_purged == head_seq else None
    if last_hash is None:
        raise RuntimeError(f"audit event #{last_purged} is missing; run `flask audit verify` first")
    count = db.session.execute(delete(AuditEvent).where(AuditEvent.seq <= last_purged)).rowcount
    db.session.add(sign_checkpoint(AuditCheckpoint(kind=PURGE, seq=last_purged, hash=last_hash,
                                                   purged_before=before, purged_count=count)))
    record_event("audit.purged", target=before.date().isoformat(), count=count, up_to=last_purged)
    return count
