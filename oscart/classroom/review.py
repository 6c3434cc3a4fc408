"""Reviewing attendance: sessions with rates, attendance rows per role, change history. Rows, not objects."""

from dataclasses import dataclass
from datetime import date, time, timedelta
from functools import cache

from sqlalchemy import Integer, bindparam, exists, func, select
from sqlalchemy.orm import aliased

from oscart.accounts.models import User
from oscart.audit.models import AuditEvent
from oscart.classroom.access import trainer_clause
from oscart.classroom.models import REGISTERED, Attendance, Registration, SessionPart, SessionTrainer, TrainingSession
from oscart.companies.models import Company
from oscart.core.database import SelectsInOne, prepared
from oscart.core.local_time import local_to_utc
from oscart.core.pagination import PER_PAGE, Page
from oscart.core.security import COMPANY_ADMIN, PLATFORM_ADMIN, TRAINER
from oscart.training.models import Course
from oscart.training.titles import reader_params, reader_title


@dataclass
class Filters:
    course_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    company_id: int | None = None
    status: str | None = None


def _date_range(query, column, filters):
    if filters.date_from:
        query = query.where(column >= local_to_utc(filters.date_from, time()))
    if filters.date_to:
        query = query.where(column < local_to_utc(filters.date_to + timedelta(days=1), time()))
    return query


@cache
def _session_figures():
    # Built once: the three correlated subqueries cost SQLAlchemy more to set up than the list costs to read.
    registered = (select(func.count(Registration.id)).where(Registration.session_id == TrainingSession.id,
                                                            Registration.status == REGISTERED).scalar_subquery())
    attended = (select(func.coalesce(func.sum(Attendance.minutes), 0))
                .where(Attendance.session_id == TrainingSession.id).scalar_subquery())
    marked = (select(func.count(Attendance.id)).where(Attendance.session_id == TrainingSession.id).scalar_subquery())
    return registered, attended, marked


def session_conditions(role, actor_id, values):
    """Conditions on TrainingSession for the sessions ``role``/``actor_id`` teaches (platform admins: all) and
    the filters. ``values`` (see ``filter_values``) may hold bindparam()s, for a statement built once."""
    conditions = [] if role == PLATFORM_ADMIN else [trainer_clause(actor_id)]
    if "course_id" in values:
        conditions.append(TrainingSession.course_id == values["course_id"])
    if "company_id" in values:
        conditions.append(TrainingSession.company_id == values["company_id"])
    if "status" in values:
        conditions.append(select(Attendance.id).where(Attendance.session_id == TrainingSession.id,
                                                      Attendance.status == values["status"]).exists())
    if "starts_from" in values:
        conditions.append(TrainingSession.starts_at >= values["starts_from"])
    if "starts_before" in values:
        conditions.append(TrainingSession.starts_at < values["starts_before"])
    return conditions


def filter_values(filters, *, company=True):
    """The filters that are set, by name, dates as the UTC bounds of those local days (``company``: whether the
    company filter applies)."""
    values = {}
    if filters.course_id:
        values["course_id"] = filters.course_id
    if filters.company_id and company:
        values["company_id"] = filters.company_id
    if filters.status:
        values["status"] = filters.status
    if filters.date_from:
        values["starts_from"] = local_to_utc(filters.date_from, time())
    if filters.date_to:
        values["starts_before"] = local_to_utc(filters.date_to + timedelta(days=1), time())
    return values


def session_columns():
    """The review list's columns: session, course code, company name, registered, attended minutes, marked."""
    registered, attended, marked = _session_figures()
    return (TrainingSession.id, TrainingSession.course_id, Course.code, TrainingSession.starts_at,
            TrainingSession.ends_at, TrainingSession.total_minutes, TrainingSession.capacity,
            Company.name.label("company"), registered.label("registered"), attended.label("attended"),
            marked.label("marked"))


def attendance_rate(row):
    """Share (0–100) of the registered trainees' possible minutes that were attended."""
    possible = (row.registered or 0) * (row.total_minutes or 0)
    return round(100 * (row.attended or 0) / possible) if possible else None


def attendance_conditions(actor, filters, *, session_id=None):
    """Conditions on the Attendance table alone (sub-selects, no joins) for what ``actor`` may review and the
    filters, so that the database can walk the index on ``part_starts_at`` newest first."""
    values = filter_values(filters, company=actor.role != COMPANY_ADMIN)
    return attendance_where(actor.role, actor.id, actor.company_id, values, session_id=session_id)


def _of_company(company_id):
    """The attendance row is of a person of ``company_id``: one look-up of the row's person by id, rather than the
    list of every person of the company (5,000) built and searched at each execution."""
    person = _people()[1]  # an alias: the enclosing statement may read the user table itself
    return exists().where(person.id == Attendance.user_id, person.company_id == company_id).correlate(Attendance)


def attendance_where(role, actor_id, actor_company_id, values, *, session_id=None):
    """attendance_conditions() from the actor's role, id and company and the ``filter_values``; any value may be a
    bindparam(), for a statement built once."""
    conditions = []
    if role == TRAINER:
        conditions.append(Attendance.session_id.in_(select(SessionTrainer.session_id)
                                                    .where(SessionTrainer.user_id == actor_id)))
    elif role == COMPANY_ADMIN:
        conditions.append(_of_company(actor_company_id))
    elif role != PLATFORM_ADMIN:
        conditions.append(Attendance.user_id == actor_id)
    if session_id is not None:
        conditions.append(Attendance.session_id == session_id)
    if "course_id" in values:
        conditions.append(Attendance.session_id.in_(select(TrainingSession.id)
                                                    .where(TrainingSession.course_id == values["course_id"])))
    if "company_id" in values:
        conditions.append(_of_company(values["company_id"]))
    if "status" in values:
        conditions.append(Attendance.status == values["status"])
    if "starts_from" in values:
        conditions.append(Attendance.part_starts_at >= values["starts_from"])
    if "starts_before" in values:
        conditions.append(Attendance.part_starts_at < values["starts_before"])
    return conditions


def _attendance_rows(conditions):
    return (
        select(Attendance.id, Attendance.session_id, Attendance.part_starts_at.label("starts_at"), SessionPart.ends_at,
               Course.code, TrainingSession.course_id, User.first_name, User.last_name, User.email,
               Company.name.label("company"), Attendance.status, Attendance.minutes, Attendance.note,
               Attendance.updated_at)
        .join(SessionPart, SessionPart.id == Attendance.part_id)
        .join(TrainingSession, TrainingSession.id == Attendance.session_id)
        .join(Course, Course.id == TrainingSession.course_id)
        .join(User, User.id == Attendance.user_id)
        .outerjoin(Company, Company.id == User.company_id)
        .where(*conditions)
    )


def list_attendance(actor, filters, *, session_id=None):
    """Attendance rows visible to ``actor`` (one per trainee and part), newest part first; for exports."""
    return _attendance_rows(attendance_conditions(actor, filters, session_id=session_id)).order_by(
        Attendance.part_starts_at.desc(), Attendance.part_id, User.last_name, User.first_name, Attendance.id)


def page_attendance(actor, filters, number, *, menus=False):
    """One page of ``list_attendance`` with the total and each row's course ``title`` in the reader's language (the
    code when it has none), and with ``menus`` the filter menus' rows (``courses``, ``companies``); one statement.

    The page's ids are found on the Attendance table alone (newest part first, through its index), then joined.
    """
    number = max(1, min(number or 1, 10_000))
    values = filter_values(filters, company=actor.role != COMPANY_ADMIN)
    found = _attendance_page_statement(actor.role, tuple(values), menus).rows(
        {**values, "actor_id": actor.id, "actor_company_id": actor.company_id, **reader_params(actor),
         **page_window(number)})
    page = Page(items=found.pop("rows"), number=number, per_page=PER_PAGE, total=found.pop("total")[0].total)
    return page, found


def page_window(number):
    """The bound LIMIT and OFFSET of page ``number`` (see page_limits)."""
    return {"page_limit": PER_PAGE, "page_offset": (number - 1) * PER_PAGE}


def page_limits(statement):
    # Written into the SQL: a plan PostgreSQL makes without the values may read every row for an unknown limit.
    return (statement.limit(bindparam("page_limit", type_=Integer, literal_execute=True))
            .offset(bindparam("page_offset", type_=Integer, literal_execute=True)))


@prepared
def _attendance_page_statement(role, keys, menus):
    conditions = attendance_where(role, bindparam("actor_id"), bindparam("actor_company_id"),
                                  {key: bindparam(key) for key in keys})
    ids = page_limits(select(Attendance.id).where(*conditions).order_by(
        Attendance.part_starts_at.desc(), Attendance.part_id.desc(), Attendance.id.desc()))
    rows = _attendance_rows([Attendance.id.in_(ids.scalar_subquery())]).add_columns(
        reader_title(TrainingSession.course_id, Course.code).label("title"))
    parts = {"total": (select(func.count(Attendance.id).label("total")).where(*conditions), ()),
             "rows": (rows, (Attendance.part_starts_at.desc(), Attendance.part_id.desc(), User.last_name,
                             User.first_name))}
    if menus:
        parts.update(menu_parts(companies=role != COMPANY_ADMIN))
    return SelectsInOne(**parts)


def menu_parts(*, companies):
    """SelectsInOne parts of the review filters' menus: ``courses`` (those with sessions: classroom and blended)
    and, with ``companies``, every company."""
    parts = {"courses": (select(Course.id, Course.code).where(Course.id.in_(select(TrainingSession.course_id))),
                         (Course.code,))}
    if companies:
        parts["companies"] = (select(Company.id, Company.name), (Company.name,))
    return parts


# Aliases of the user table, built once: setting up an alias's columns costs SQLAlchemy milliseconds a request.
@cache
def _people():
    return aliased(User, name="actor_user"), aliased(User, name="subject_user")


def list_history(session_id):
    """Who changed which registration or attendance of a session, when, from what to what; newest first."""
    actor, subject = _people()
    return (
        select(AuditEvent.id, AuditEvent.at, AuditEvent.action, AuditEvent.details,
               (actor.first_name + " " + actor.last_name).label("actor_name"),
               (subject.first_name + " " + subject.last_name).label("subject_name"))
        .outerjoin(actor, actor.id == AuditEvent.actor_id)
        .outerjoin(subject, subject.id == AuditEvent.subject_id)
        .where(AuditEvent.target == f"classroom-session:{session_id}")
        .order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    )
