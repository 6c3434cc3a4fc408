"""Reading the audit trail: company admins see their own company's events, platform admins all."""

from datetime import UTC, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from sqlalchemy import func, or_, select
from sqlalchemy.orm import aliased

from oscart.accounts.models import User
from oscart.audit.models import AuditEvent
from oscart.companies.models import Company
from oscart.database import LIKE_ESCAPE, contains_pattern
from oscart.exceptions import PermissionDenied
from oscart.security import can

BRUSSELS = ZoneInfo("Europe/Brussels")


def local_day_start(day):
    """The UTC instant a Brussels calendar day starts."""
    return datetime.combine(day, time.min, tzinfo=BRUSSELS).astimezone(UTC)


# Aliases of the user table, built once: setting up an alias's columns costs SQLAlchemy milliseconds a request.
@cache
def _people():
    return aliased(User, name="actor_user"), aliased(User, name="subject_user")


def list_events(actor, *, person=None, action=None, date_from=None, date_to=None, company_id=None):
    """Rows of events ``actor`` may read, newest first, with the people's e-mail addresses and names."""
    if not can(actor, "audit.view"):
        raise PermissionDenied()
    actor_user, subject_user = _people()
    query = (
        select(AuditEvent.id, AuditEvent.seq, AuditEvent.at, AuditEvent.action, AuditEvent.ip,
               AuditEvent.target, AuditEvent.details, Company.name.label("company_name"),
               actor_user.email.label("actor_email"), subject_user.email.label("subject_email"))
        .outerjoin(Company, Company.id == AuditEvent.company_id)
        .outerjoin(actor_user, actor_user.id == AuditEvent.actor_id)
        .outerjoin(subject_user, subject_user.id == AuditEvent.subject_id)
        .order_by(AuditEvent.seq.desc())
    )
    if can(actor, "audit.all"):
        if company_id:
            query = query.where(AuditEvent.company_id == company_id)
    else:
        query = query.where(AuditEvent.company_id == actor.company_id)
    if person:
        pattern = contains_pattern(person.strip().lower())
        query = query.where(or_(func.lower(actor_user.email).like(pattern, escape=LIKE_ESCAPE),
                                func.lower(subject_user.email).like(pattern, escape=LIKE_ESCAPE),
                                func.lower(AuditEvent.target).like(pattern, escape=LIKE_ESCAPE)))
    if action:
        query = query.where(AuditEvent.action == action)
    if date_from:
        query = query.where(AuditEvent.at >= local_day_start(date_from))
    if date_to:
        query = query.where(AuditEvent.at < local_day_start(date_to + timedelta(days=1)))
    return query


def list_actions(actor):
    """The distinct actions in the events ``actor`` may read, for the filter."""
    query = select(AuditEvent.action).distinct().order_by(AuditEvent.action)
    if not can(actor, "audit.all"):
        query = query.where(AuditEvent.company_id == actor.company_id)
    return query
