"""Reviewing attendance: sessions with rates, attendance rows per role, change history. Rows, not objects."""

from dataclasses import dataclass
from datetime import date, time, timedelta
from functools import cache

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from oscart.accounts.models import User
from oscart.audit.models import AuditEvent
from oscart.classroom.access import teaches_clause
from oscart.classroom.models import REGISTERED, Attendance, Registration, SessionPart, SessionTrainer, TrainingSession
from oscart.companies.models import Company
from oscart.core.extensions import db
from oscart.core.local_time import local_to_utc
from oscart.core.pagination import PER_PAGE, Page
from oscart.core.security import COMPANY_ADMIN, PLATFORM_ADMIN, TRAINER
from oscart.training.models import Course


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


def list_sessions_for_review(actor, filters):
    """The sessions the actor teaches (platform admins: all) with registrations and attendance rate."""
    registered, attended, marked = _session_figures()
    query = (
        select(TrainingSession.id, TrainingSession.course_id, Course.code, TrainingSession.starts_at,
               TrainingSession.ends_at, TrainingSession.total_minutes, TrainingSession.capacity,
               Company.name.label("company"), registered.label("registered"), attended.label("attended"),
               marked.label("marked"))
        .join(Course, Course.id == TrainingSession.course_id)
        .outerjoin(Company, Company.id == TrainingSession.company_id)
        .where(teaches_clause(actor))
        .order_by(TrainingSession.starts_at.desc(), TrainingSession.id.desc())
    )
    if filters.course_id:
        query = query.where(TrainingSession.course_id == filters.course_id)
    if filters.company_id:
        query = query.where(TrainingSession.company_id == filters.company_id)
    if filters.status:
        query = query.where(select(Attendance.id).where(Attendance.session_id == TrainingSession.id,
                                                        Attendance.status == filters.status).exists())
    return _date_range(query, TrainingSession.starts_at, filters)


def attendance_rate(row):
    """Share (0–100) of the registered trainees' possible minutes that were attended."""
    possible = (row.registered or 0) * (row.total_minutes or 0)
    return round(100 * (row.attended or 0) / possible) if possible else None


def attendance_conditions(actor, filters, *, session_id=None):
    """Conditions on the Attendance table alone (sub-selects, no joins) for what ``actor`` may review and the
    filters, so that the database can walk the index on ``part_starts_at`` newest first."""
    conditions = []
    if actor.role == TRAINER:
        conditions.append(Attendance.session_id.in_(select(SessionTrainer.session_id)
                                                    .where(SessionTrainer.user_id == actor.id)))
    elif actor.role == COMPANY_ADMIN:
        conditions.append(Attendance.user_id.in_(select(User.id).where(User.company_id == actor.company_id)))
    elif actor.role != PLATFORM_ADMIN:
        conditions.append(Attendance.user_id == actor.id)
    if session_id is not None:
        conditions.append(Attendance.session_id == session_id)
    if filters.course_id:
        conditions.append(Attendance.session_id.in_(select(TrainingSession.id)
                                                    .where(TrainingSession.course_id == filters.course_id)))
    if filters.company_id and actor.role != COMPANY_ADMIN:
        conditions.append(Attendance.user_id.in_(select(User.id).where(User.company_id == filters.company_id)))
    if filters.status:
        conditions.append(Attendance.status == filters.status)
    if filters.date_from:
        conditions.append(Attendance.part_starts_at >= local_to_utc(filters.date_from, time()))
    if filters.date_to:
        conditions.append(Attendance.part_starts_at < local_to_utc(filters.date_to + timedelta(days=1), time()))
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


def page_attendance(actor, filters, number, per_page=PER_PAGE):
    """One page of ``list_attendance`` in three fixed queries: count and page ids on the Attendance table
    alone (newest part first, through its index), then the page's rows with their joins."""
    conditions = attendance_conditions(actor, filters)
    number = max(1, min(number or 1, 10_000))
    total = db.session.scalar(select(func.count(Attendance.id)).where(*conditions))
    ids = select(Attendance.id).where(*conditions).order_by(
        Attendance.part_starts_at.desc(), Attendance.part_id.desc(), Attendance.id.desc()
    ).limit(per_page).offset((number - 1) * per_page)
    rows = db.session.execute(_attendance_rows([Attendance.id.in_(ids.scalar_subquery())]).order_by(
        Attendance.part_starts_at.desc(), Attendance.part_id.desc(), User.last_name, User.first_name)).all()
    return Page(items=rows, number=number, per_page=per_page, total=total)


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


def filter_choices(actor):
    """Courses and companies to offer in the review filters (classroom and blended courses only)."""
    courses = db.session.execute(select(Course.id, Course.code).where(
        Course.id.in_(select(TrainingSession.course_id))).order_by(Course.code)).all()
    companies = [] if actor.role == COMPANY_ADMIN else db.session.execute(
        select(Company.id, Company.name).order_by(Company.name)).all()
    return courses, companies
