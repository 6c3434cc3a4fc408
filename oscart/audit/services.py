"""Recording audit events. Events are only ever added, never changed."""

from contextvars import ContextVar

from sqlalchemy import insert

from oscart.audit.models import AuditEvent
from oscart.database import utcnow
from oscart.extensions import db

# The client address of the current request, set by the web layer; None in CLI commands.
current_ip: ContextVar[str | None] = ContextVar("current_ip", default=None)


def record_event(action, *, actor=None, subject=None, company_id=None, target=None, **details):
    """Add an audit event; ``company_id`` defaults to the subject's (or actor's) company."""
    if company_id is None:
        for person in (subject, actor):
            if person is not None and person.company_id is not None:
                company_id = person.company_id
                break
    event = AuditEvent(
        action=action,
        actor_id=actor.id if actor is not None else None,
        subject_id=subject.id if subject is not None else None,
        company_id=company_id,
        ip=current_ip.get(),
        target=target,
        details=details,
    )
    db.session.add(event)
    return event


def record_events(events):
    """Add several events in one INSERT, whatever their number (e.g. one per row of a saved attendance
    sheet). ``events``: dicts with action, actor_id, subject_id, company_id, target and details."""
    if events:
        at, ip = utcnow(), current_ip.get()
        db.session.execute(insert(AuditEvent), [{"at": at, "ip": ip, **event} for event in events])
