"""Recording audit events. Events are only ever added, never changed (except by the retention purge)."""

from contextvars import ContextVar

from sqlalchemy import insert

from oscart.audit.chain import normalise_details, seal, seal_batch
from oscart.audit.models import AuditEvent
from oscart.core.database import utcnow
from oscart.core.extensions import db
from oscart.core.signals import event_recorded

# The client address of the current request, set by the web layer; None in CLI commands.
current_ip: ContextVar[str | None] = ContextVar("current_ip", default=None)


def record_event(action, *, actor=None, subject=None, company_id=None, target=None, at=None, **details):
    """Add an audit event, chained to the previous one; ``company_id`` defaults to the subject's
    (or actor's) company. ``at`` (default: now) exists for imports and demo data."""
    if company_id is None:
        for person in (subject, actor):
            if person is not None and person.company_id is not None:
                company_id = person.company_id
                break
    event = AuditEvent(
        at=at or utcnow(),
        action=action,
        actor_id=actor.id if actor is not None else None,
        subject_id=subject.id if subject is not None else None,
        company_id=company_id,
        ip=current_ip.get(),
        target=target,
        details=normalise_details(details),
    )
    seal(event)
    db.session.add(event)
    event_recorded.send(action, event=event)
    return event


def record_events(events):
    """Add several events in one INSERT, whatever their number (e.g. one per row of a saved attendance
    sheet). ``events``: dicts with action, actor_id, subject_id, company_id, target and details."""
    if not events:
        return
    at, ip = utcnow(), current_ip.get()
    rows = seal_batch([AuditEvent(at=at, ip=ip, **{**event, "details": normalise_details(event.get("details"))})
                       for event in events])
    columns = ("seq", "at", "actor_id", "company_id", "subject_id", "ip", "action", "target", "details",
               "prev_hash", "hash", "key_id")
    db.session.execute(insert(AuditEvent), [{name: getattr(row, name) for name in columns} for row in rows])
