"""Removing personal data from audit events without breaking the hash chain.

A redacted event keeps its place and its hashes; its personal fields are blanked and ``redacted_at`` is
set. An ``audit.redacted`` event, itself chained, lists the positions redacted, so verification accepts
a changed content for exactly those events and still reports any other alteration.
"""

from sqlalchemy import func, select

from oscart.audit.chain import REDACTED_ACTION
from oscart.audit.models import AuditEvent
from oscart.audit.services import record_event
from oscart.core.database import utcnow
from oscart.core.extensions import db


def redact_events(condition, scrub, *, reason, dry_run=False):
    """Apply ``scrub(event)`` to every event matching ``condition``; returns how many."""
    if dry_run:
        return db.session.scalar(select(func.count(AuditEvent.id)).where(*condition))
    now, positions = utcnow(), []
    for event in db.session.scalars(select(AuditEvent).where(*condition).order_by(AuditEvent.seq)):
        scrub(event)
        event.redacted_at = now
        positions.append(event.seq)
    if positions:
        record_event(REDACTED_ACTION, reason=reason, count=len(positions), seqs=positions)
    return len(positions)

