"""Recording audit events. Events are only ever added, never changed (except by the retention purge)."""

from contextvars import ContextVar

from oscart.audit.chain import normalise_details, seal
from oscart.audit.models import AuditEvent
from oscart.database import utcnow
from oscart.extensions import db

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
    return event
