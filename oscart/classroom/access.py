"""Who may see, teach and plan which session. A session the actor may not see answers NotFound."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, exists, or_, select

from oscart.classroom.models import SessionTrainer, TrainingSession
from oscart.core.database import prepared
from oscart.core.exceptions import NotFound, PermissionDenied
from oscart.core.extensions import db
from oscart.core.security import PLATFORM_ADMIN, TRAINER, can
from oscart.training.models import Course
from oscart.training.visibility import visible_to_company_clause

STAFF_ROLES = (TRAINER, PLATFORM_ADMIN)


def is_staff(user):
    return user.role in STAFF_ROLES


def visible_sessions_clause(actor):
    """SQL condition on TrainingSession (joined with Course): sessions ``actor`` may see.

    Oscart staff see every session; anyone else sees open sessions of courses visible to their company
    and the in-company sessions of their own company.
    """
    if is_staff(actor):
        return TrainingSession.id.isnot(None)
    return (
        or_(TrainingSession.company_id.is_(None), TrainingSession.company_id == actor.company_id)
        & visible_to_company_clause(actor.company_id)
    )


def teaches_clause(actor):
    """SQL condition on TrainingSession: the actor is one of its trainers (platform admins: any session)."""
    if actor.role == PLATFORM_ADMIN:
        return TrainingSession.id.isnot(None)
    return trainer_clause(actor.id)


def trainer_clause(user_id):
    """SQL condition on TrainingSession: ``user_id`` (a value or a bindparam()) is one of its trainers."""
    return exists().where(SessionTrainer.session_id == TrainingSession.id, SessionTrainer.user_id == user_id)


def get_session(session_id, *, actor):
    staff, has_company = is_staff(actor), actor.company_id is not None
    params = {"session_id": session_id, **({"company_id": actor.company_id} if has_company and not staff else {})}
    session = db.session.scalar(_session_statement(staff, has_company), params)
    if session is None:
        raise NotFound()
    return session


@prepared
def _session_statement(staff, has_company):
    """get_session()'s statement, built once per kind of reader (visible_sessions_clause with bound values)."""
    query = (select(TrainingSession).join(Course, Course.id == TrainingSession.course_id)
             .where(TrainingSession.id == bindparam("session_id")))
    if staff:
        return query
    company_id = bindparam("company_id") if has_company else None
    return query.where(or_(TrainingSession.company_id.is_(None), TrainingSession.company_id == company_id),
                       visible_to_company_clause(company_id))


def check_teaches(session, actor, *, is_trainer=None):
    """PermissionDenied unless ``actor`` may mark and export this session's attendance (``is_trainer``: whether
    they are one of its trainers, when already read)."""
    if not can(actor, "classroom.teach"):
        raise PermissionDenied()
    if actor.role == PLATFORM_ADMIN:
        return
    if is_trainer is None:
        is_trainer = db.session.scalar(select(exists().where(SessionTrainer.session_id == session.id,
                                                              SessionTrainer.user_id == actor.id)))
    if not is_trainer:
        raise PermissionDenied(_l("This session is given by another trainer."))


def may_teach(actor, *, is_trainer):
    """check_teaches() as yes or no, given whether ``actor`` is one of the session's trainers."""
    return can(actor, "classroom.teach") and (actor.role == PLATFORM_ADMIN or is_trainer)


def plannable_courses_clause(actor):
    """SQL condition on Course: courses ``actor`` may plan sessions of.

    Platform admins plan any classroom or blended course; a trainer plans courses they created or
    already teach a session of (so a trainer never plans sessions of a colleague's own course).
    """
    return planner_courses_clause(actor.role, actor.id)


def planner_courses_clause(role, user_id):
    """plannable_courses_clause() from the actor's role and id (a value or a bindparam())."""
    if role == PLATFORM_ADMIN:
        return Course.id.isnot(None)
    teaches = exists().where(TrainingSession.course_id == Course.id, SessionTrainer.session_id == TrainingSession.id,
                             SessionTrainer.user_id == user_id)
    return or_(Course.created_by_id == user_id, teaches)
