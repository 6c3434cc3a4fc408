"""Planning classroom sessions and reading them back (titles, parts, trainers, upcoming lists)."""

from collections import namedtuple
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, or_, select, update

from oscart.accounts.models import User
from oscart.audit.services import record_event
from oscart.classroom.access import get_session, plannable_courses_clause, visible_sessions_clause
from oscart.classroom.models import (
    REGISTERED,
    WAITLISTED,
    Attendance,
    Registration,
    SessionPart,
    SessionTrainer,
    TrainingSession,
)
from oscart.companies.models import Company
from oscart.core.database import prepared, utcnow
from oscart.core.database import rows as column_rows
from oscart.core.exceptions import NotFound, PermissionDenied, RuleViolation
from oscart.core.extensions import db
from oscart.core.i18n import is_language
from oscart.core.security import PLATFORM_ADMIN, TRAINER, can
from oscart.training.models import BLENDED, CLASSROOM, Course
from oscart.training.titles import reader_params, reader_title


def plannable_courses(actor):
    return (select(Course.id, Course.code).where(Course.format.in_((CLASSROOM, BLENDED)),
                                                 plannable_courses_clause(actor)).order_by(Course.code))


def trainer_choices():
    return select(User.id, User.first_name, User.last_name).where(
        User.role.in_((TRAINER, PLATFORM_ADMIN)), User.is_active.is_(True)).order_by(User.last_name, User.first_name)


def _check_plan(actor, *, course_id, parts, capacity, language, place, meeting_url, company_id, trainer_ids):
    if not can(actor, "classroom.plan"):
        raise PermissionDenied()
    course = db.session.scalar(select(Course).where(Course.id == course_id, plannable_courses_clause(actor)))
    if course is None or course.format not in (CLASSROOM, BLENDED):
        raise RuleViolation(_l("Choose a classroom or blended course you may plan."), "course_id")
    if not parts:
        raise RuleViolation(_l("Give at least one part with a date, a start and an end."), "parts")
    for start, end in parts:
        if end <= start:
            raise RuleViolation(_l("Each part must end after it starts."), "parts")
    if capacity < 1:
        raise RuleViolation(_l("The capacity must be at least 1."), "capacity")
    if not is_language(language):
        raise RuleViolation(_l("Choose one of the offered languages."), "language")
    if not (place or "").strip() and not (meeting_url or "").strip():
        raise RuleViolation(_l("Give a place or a meeting link."), "place")
    if (meeting_url or "").strip() and not meeting_url.strip().lower().startswith(("https://", "http://")):
        raise RuleViolation(_l("The meeting link must start with https://."), "meeting_url")
    if company_id and db.session.get(Company, company_id) is None:
        raise RuleViolation(_l("Choose one of the offered companies."), "company_id")
    valid = set(db.session.scalars(select(User.id).where(User.id.in_(trainer_ids),
                                                         User.role.in_((TRAINER, PLATFORM_ADMIN)))))
    if not trainer_ids or valid != set(trainer_ids):
        raise RuleViolation(_l("Choose at least one trainer."), "trainer_ids")
    if actor.role == TRAINER and actor.id not in valid:
        raise RuleViolation(_l("A trainer plans only sessions they teach themselves."), "trainer_ids")
    return course


def save_session(session, *, actor, course_id, parts, capacity, language, place="", meeting_url="",
                 company_id=None, trainer_ids=(), cancellation_deadline_at=None):
    """Create (``session`` None) or change a session; ``parts`` are (start, end) UTC datetimes."""
    parts = sorted(parts)
    _check_plan(actor, course_id=course_id, parts=parts, capacity=capacity, language=language, place=place,
                meeting_url=meeting_url, company_id=company_id, trainer_ids=trainer_ids)
    created = session is None
    before = None if created else _snapshot(session)
    if created:
        session = TrainingSession(created_by_id=actor.id)
        db.session.add(session)
    elif company_id and company_id != session.company_id and _has_foreign_registrations(session, company_id):
        raise RuleViolation(_l("People of other companies are registered; it cannot become in-company."),
                            "company_id")
    session.course_id, session.capacity, session.language = course_id, capacity, language
    session.place, session.meeting_url = (place or "").strip(), (meeting_url or "").strip()
    session.company_id = company_id or None
    session.starts_at, session.ends_at = parts[0][0], parts[-1][1]
    session.total_minutes = sum(int((end - start).total_seconds() // 60) for start, end in parts)
    hours = current_app.config["CLASSROOM_CANCELLATION_HOURS"]
    session.cancellation_deadline_at = cancellation_deadline_at or parts[0][0] - timedelta(hours=hours)
    db.session.flush()
    _replace_parts(session, parts, created)
    _replace_trainers(session, trainer_ids)
    db.session.flush()
    record_event("classroom.session_planned" if created else "classroom.session_changed", actor=actor,
                 company_id=session.company_id, target=f"classroom-session:{session.id}",
                 before=before, after=_snapshot(session))
    return session


def _has_foreign_registrations(session, company_id):
    return db.session.scalar(select(func.count(Registration.id)).join(User, User.id == Registration.user_id).where(
        Registration.session_id == session.id, Registration.status != "cancelled",
        or_(User.company_id.is_(None), User.company_id != company_id))) > 0


def _replace_parts(session, parts, created):
    existing = [] if created else list(db.session.scalars(
        select(SessionPart).where(SessionPart.session_id == session.id).order_by(SessionPart.starts_at)))
    for index, (start, end) in enumerate(parts):
        part = existing[index] if index < len(existing) else SessionPart(session_id=session.id)
        if part.id is not None and part.starts_at != start:
            db.session.execute(update(Attendance).where(Attendance.part_id == part.id).values(part_starts_at=start))
        part.starts_at, part.ends_at = start, end
        db.session.add(part)
    removed = existing[len(parts):]
    if removed:
        marked = db.session.scalar(select(func.count(Attendance.id)).where(
            Attendance.part_id.in_([p.id for p in removed])))
        if marked:
            raise RuleViolation(_l("A part with marked attendance cannot be removed."), "parts")
        for part in removed:
            db.session.delete(part)


def _replace_trainers(session, trainer_ids):
    current = set(db.session.scalars(select(SessionTrainer.user_id).where(SessionTrainer.session_id == session.id)))
    for user_id in set(trainer_ids) - current:
        db.session.add(SessionTrainer(session_id=session.id, user_id=user_id))
    for row in db.session.scalars(select(SessionTrainer).where(SessionTrainer.session_id == session.id,
                                                               SessionTrainer.user_id.notin_(trainer_ids))):
        db.session.delete(row)


def _snapshot(session):
    return {"course_id": session.course_id, "capacity": session.capacity, "language": session.language,
            "place": session.place, "meeting_url": session.meeting_url, "company_id": session.company_id,
            "starts_at": session.starts_at.isoformat(), "ends_at": session.ends_at.isoformat()}


def session_parts(session_id):
    return list(db.session.scalars(select(SessionPart).where(SessionPart.session_id == session_id)
                                   .order_by(SessionPart.starts_at)))


def session_trainers(session_id):
    return db.session.execute(select(User.id, User.first_name, User.last_name).join(
        SessionTrainer, SessionTrainer.user_id == User.id).where(SessionTrainer.session_id == session_id)
        .order_by(User.last_name)).all()


def session_total_minutes(parts):
    return sum(part.minutes for part in parts)


def get_part(part_id, *, actor):
    """The part and its session, for an actor who may see the session."""
    session_id = db.session.scalar(select(SessionPart.session_id).where(SessionPart.id == part_id))
    if session_id is None:
        raise NotFound()
    session = get_session(session_id, actor=actor)
    part = db.session.get(SessionPart, part_id)
    return session, part


def list_registrations(session_id):
    """Everyone registered or waiting for a session, for its trainers; rows in one query."""
    return db.session.execute(
        select(User.first_name, User.last_name, Company.name.label("company"), Registration.status,
               Registration.position, Registration.is_walk_in)
        .join(Registration, Registration.user_id == User.id).outerjoin(Company, Company.id == User.company_id)
        .where(Registration.session_id == session_id, Registration.status.in_((REGISTERED, WAITLISTED)))
        .order_by(Registration.status, Registration.position, User.last_name, User.first_name)).all()


def counts(session_id):
    """(registered, waitlisted) of one session in one query."""
    rows = dict(db.session.execute(select(Registration.status, func.count(Registration.id)).where(
        Registration.session_id == session_id, Registration.status.in_((REGISTERED, WAITLISTED)))
        .group_by(Registration.status)).all())
    return rows.get(REGISTERED, 0), rows.get(WAITLISTED, 0)


def list_open_sessions(actor, *, now=None, course_id=None):
    """Upcoming sessions the actor may register for (of one course, given ``course_id``), with seats taken, as
    rows."""
    taken = (select(func.count(Registration.id)).where(Registration.session_id == TrainingSession.id,
                                                       Registration.status == REGISTERED).scalar_subquery())
    mine = (select(Registration.status).where(Registration.session_id == TrainingSession.id,
                                              Registration.user_id == actor.id).scalar_subquery())
    return (select(TrainingSession.id, TrainingSession.course_id, TrainingSession.starts_at, TrainingSession.ends_at,
                   TrainingSession.place, TrainingSession.meeting_url, TrainingSession.language,
                   TrainingSession.capacity, TrainingSession.company_id, taken.label("taken"), mine.label("my_status"))
            .join(Course, Course.id == TrainingSession.course_id)
            .where(TrainingSession.starts_at > (now or utcnow()), TrainingSession.cancelled_at.is_(None),
                   visible_sessions_clause(actor), *([TrainingSession.course_id == course_id] if course_id else []))
            .order_by(TrainingSession.starts_at, TrainingSession.id))


def list_upcoming_registrations(user, *, now=None, limit=20):
    """Rows of the user's coming sessions (registered or waitlisted), soonest first, for the dashboard; one query.

    Each row: session_id, course_id, course_title (user's language), starts_at, ends_at, place, meeting_url,
    status, position.
    """
    found = column_rows(upcoming_with_titles_statement(), {"user_id": user.id, "now": now or utcnow(),
                                                           "limit": limit, **reader_params(user)})
    return upcoming_from_rows(found)


def upcoming_from_rows(found):
    """list_upcoming_registrations() from the rows of upcoming_with_titles_statement(), already read."""
    return [UpcomingSession(row.session_id, row.course_id, row.title, row.starts_at, row.ends_at, row.place,
                            row.meeting_url, row.status, row.position) for row in found]


# Templates read these by attribute, which a named tuple answers at once (a dict only after a failed getattr).
UpcomingSession = namedtuple("UpcomingSession", "session_id course_id course_title starts_at ends_at place "
                                                "meeting_url status position")


@prepared
def upcoming_with_titles_statement():
    """A user's coming sessions with the course title in the reader's language; bound values user_id, now,
    limit and those of training.titles.reader_params()."""
    upcoming = _upcoming_statement().subquery()
    return (select(upcoming, reader_title(upcoming.c.course_id, "").label("title"))
            .order_by(upcoming.c.starts_at, upcoming.c.session_id))


@prepared
def _upcoming_statement():
    return (select(TrainingSession.id.label("session_id"), TrainingSession.course_id, TrainingSession.starts_at,
                   TrainingSession.ends_at, TrainingSession.place, TrainingSession.meeting_url, Registration.status,
                   Registration.position)
            .join(Registration, Registration.session_id == TrainingSession.id)
            .where(Registration.user_id == bindparam("user_id"), Registration.status.in_((REGISTERED, WAITLISTED)),
                   TrainingSession.ends_at > bindparam("now"))
            .order_by(TrainingSession.starts_at, TrainingSession.id).limit(bindparam("limit")))
