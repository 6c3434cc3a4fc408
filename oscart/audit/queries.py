"""Reading the audit trail: company admins see their own company's events, platform admins all."""

from datetime import timedelta

from sqlalchemy import Integer, String, bindparam, column, func, or_, select, table

from oscart.audit.models import AuditEvent
from oscart.core.database import LIKE_ESCAPE, SelectsInOne, contains_pattern, prepared
from oscart.core.exceptions import PermissionDenied
from oscart.core.local_time import local_day_start
from oscart.core.pagination import Page
from oscart.core.security import can

# The audit log sits below the features that own people and companies: it reads the few columns it shows of
# their tables, without their models.
USERS = table("user", column("id", Integer), column("email", String))
COMPANIES = table("company", column("id", Integer), column("name", String))
# Aliases of the user table, built once: setting up an alias's columns costs SQLAlchemy milliseconds a request.
ACTOR_USERS, SUBJECT_USERS = USERS.alias("actor_user"), USERS.alias("subject_user")


def list_events(actor, *, person=None, action=None, date_from=None, date_to=None, company_id=None):
    """Rows of events ``actor`` may read, newest first, with the people's e-mail addresses and names."""
    values = filter_values(actor, person=person, action=action, date_from=date_from, date_to=date_to,
                           company_id=company_id)
    return (_events(AuditEvent.id, AuditEvent.seq, AuditEvent.at, AuditEvent.action, AuditEvent.ip,
                    AuditEvent.target, AuditEvent.details)
            .where(*_conditions(values)).order_by(AuditEvent.seq.desc()))


def events_page(actor, number, *, per_page, **filters):
    """{"page": page ``number`` of list_events() (without the details), "actions": the distinct actions of the
    events ``actor`` may read, "companies": every company (platform admins; else empty)}, in one statement."""
    values = filter_values(actor, **filters)
    number = max(1, min(number or 1, 10_000))
    all_companies = can(actor, "audit.all")
    found = _page_statement(tuple(sorted(values)), all_companies).rows(
        {**values, "page_limit": per_page, "page_offset": (number - 1) * per_page})
    return {"page": Page(items=found["events"], number=number, per_page=per_page, total=found["total"][0].total),
            "actions": [row.action for row in found["actions"]], "companies": found.get("companies", [])}


def filter_values(actor, *, person=None, action=None, date_from=None, date_to=None, company_id=None):
    """The conditions' values by name: the company (always, for a company admin), the person's pattern, the
    action, and the dates as the bounds of those days in Brussels."""
    if not can(actor, "audit.view"):
        raise PermissionDenied()
    values = {}
    if not can(actor, "audit.all"):
        values["company_id"] = actor.company_id
    elif company_id:
        values["company_id"] = company_id
    if person:
        values["pattern"] = contains_pattern(person.strip().lower())
    if action:
        values["action"] = action
    if date_from:
        values["at_from"] = local_day_start(date_from)
    if date_to:
        values["at_before"] = local_day_start(date_to + timedelta(days=1))
    return values


def _events(*columns):
    """The events with ``columns`` and the names the list shows: company, actor's and subject's e-mail address."""
    return select(*columns, COMPANIES.c.name.label("company_name"), ACTOR_USERS.c.email.label("actor_email"),
                  SUBJECT_USERS.c.email.label("subject_email")).select_from(_joined())


def _joined():
    return (AuditEvent.__table__.outerjoin(COMPANIES, COMPANIES.c.id == AuditEvent.company_id)
            .outerjoin(ACTOR_USERS, ACTOR_USERS.c.id == AuditEvent.actor_id)
            .outerjoin(SUBJECT_USERS, SUBJECT_USERS.c.id == AuditEvent.subject_id))


def _conditions(values):
    """Conditions of filter_values(); each value may be a bindparam(), for a statement built once."""
    conditions = []
    if "company_id" in values:
        conditions.append(AuditEvent.company_id == values["company_id"])
    if "pattern" in values:
        pattern = values["pattern"]
        conditions.append(or_(func.lower(ACTOR_USERS.c.email).like(pattern, escape=LIKE_ESCAPE),
                              func.lower(SUBJECT_USERS.c.email).like(pattern, escape=LIKE_ESCAPE),
                              func.lower(AuditEvent.target).like(pattern, escape=LIKE_ESCAPE)))
    if "action" in values:
        conditions.append(AuditEvent.action == values["action"])
    if "at_from" in values:
        conditions.append(AuditEvent.at >= values["at_from"])
    if "at_before" in values:
        conditions.append(AuditEvent.at < values["at_before"])
    return conditions


@prepared
def _page_statement(keys, all_companies):
    conditions = _conditions({key: bindparam(key) for key in keys})
    # Written into the SQL: a plan PostgreSQL makes without the values may read every row for an unknown limit.
    events = (_events(AuditEvent.seq, AuditEvent.at, AuditEvent.action, AuditEvent.ip, AuditEvent.target)
              .where(*conditions).limit(bindparam("page_limit", type_=Integer, literal_execute=True))
              .offset(bindparam("page_offset", type_=Integer, literal_execute=True)))
    total = select(func.count(AuditEvent.id).label("total")).select_from(_joined()).where(*conditions)
    # GROUP BY, not DISTINCT: the row number SelectsInOne adds would make every row distinct.
    actions = select(AuditEvent.action).group_by(AuditEvent.action)
    if "company_id" in keys and not all_companies:
        actions = actions.where(AuditEvent.company_id == bindparam("company_id"))
    parts = {"events": (events, (AuditEvent.seq.desc(),)), "total": (total, ()),
             "actions": (actions, (AuditEvent.action,))}
    if all_companies:
        parts["companies"] = (select(COMPANIES.c.id, COMPANIES.c.name), (COMPANIES.c.name,))
    return SelectsInOne(**parts)
