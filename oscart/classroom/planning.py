"""Planning a classroom session and changing it: course, parts, capacity, place, trainers (audited)."""

from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, func, or_, select, update

from oscart.accounts.models import User
from oscart.audit.services import record_event
from oscart.classroom.access import plannable_courses_clause, planner_courses_clause
from oscart.classroom.models import Attendance, Registration, SessionPart, SessionTrainer, TrainingSession
from oscart.companies.models import Company
from oscart.core.database import SelectsInOne, prepared
from oscart.core.exceptions import PermissionDenied, RuleViolation
from oscart.core.extensions import db
from oscart.core.i18n import is_language
from oscart.core.security import PLATFORM_ADMIN, TRAINER, can
from oscart.training.models import BLENDED, CLASSROOM, Course


def plan_menus(actor):
    """Rows of the session form's menus, read in one statement: ``courses`` the actor may plan (id, code),
    ``companies`` (id, name) and ``trainers`` (active trainers and platform admins: id, first_name, last_name)."""
    return _plan_menus_statement(actor.role).rows({"actor_id": actor.id})


@prepared
def _plan_menus_statement(role):
    courses = select(Course.id, Course.code).where(Course.format.in_((CLASSROOM, BLENDED)),
                                                   planner_courses_clause(role, bindparam("actor_id")))
    trainers = select(User.id, User.first_name, User.last_name).where(
        User.role.in_((TRAINER, PLATFORM_ADMIN)), User.is_active.is_(True))
    return SelectsInOne(courses=(courses, (Course.code,)),
                        companies=(select(Company.id, Company.name), (Company.name,)),
                        trainers=(trainers, (User.last_name, User.first_name)))


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
