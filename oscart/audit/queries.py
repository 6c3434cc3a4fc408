"""Reading the audit trail: company admins see their own company's events, platform admins all."""

from datetime import timedelta

from sqlalchemy import column, func, or_, select, table

from oscart.audit.models import AuditEvent
from oscart.core.database import LIKE_ESCAPE, contains_pattern
from oscart.core.exceptions import PermissionDenied
from oscart.core.local_time import local_day_start
from oscart.core.security import can

# The audit log sits below the features that own people and companies: it reads the few columns it shows of
# their tables, without their models.
USERS = table("user", column("id"), column("email"))
COMPANIES = table("company", column("id"), column("name"))
# Aliases of the user table, built once: setting up an alias's columns costs SQLAlchemy milliseconds a request.
ACTOR_USERS, SUBJECT_USERS = USERS.alias("actor_user"), USERS.alias("subject_user")


def list_events(actor, *, person=None, action=None, date_from=None, date_to=None, company_id=None):
    """Rows of events ``actor`` may read, newest first, with the people's e-mail addresses and names."""
    if not can(actor, "audit.view"):
        raise PermissionDenied()
    actor_user, subject_user = ACTOR_USERS, SUBJECT_USERS
    query = (
        select(AuditEvent.id, AuditEvent.seq, AuditEvent.at, AuditEvent.action, AuditEvent.ip,
               AuditEvent.target, AuditEvent.details, COMPANIES.c.name.label("company_name"),
               actor_user.c.email.label("actor_email"), subject_user.c.email.label("subject_email"))
        .outerjoin(COMPANIES, COMPANIES.c.id == AuditEvent.company_id)
        .outerjoin(actor_user, actor_user.c.id == AuditEvent.actor_id)
        .outerjoin(subject_user, subject_user.c.id == AuditEvent.subject_id)
        .order_by(AuditEvent.seq.desc())
    )
    if can(actor, "audit.all"):
        if company_id:
            query = query.where(AuditEvent.company_id == company_id)
    else:
        query = query.where(AuditEvent.company_id == actor.company_id)
    if person:
        pattern = contains_pattern(person.strip().lower())
        query = query.where(or_(func.lower(actor_user.c.email).like(pattern, escape=LIKE_ESCAPE),
                                func.lower(subject_user.c.email).like(pattern, escape=LIKE_ESCAPE),
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
