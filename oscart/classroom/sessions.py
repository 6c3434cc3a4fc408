"""Reading one classroom session back: its parts, trainers, registrations and seat counts."""

from sqlalchemy import func, select

from oscart.accounts.models import User
from oscart.classroom.access import get_session
from oscart.classroom.models import REGISTERED, WAITLISTED, Registration, SessionPart, SessionTrainer
from oscart.companies.models import Company
from oscart.core.exceptions import NotFound
from oscart.core.extensions import db


def session_parts(session_id):
    return list(db.session.scalars(select(SessionPart).where(SessionPart.session_id == session_id)
                                   .order_by(SessionPart.starts_at)))


def session_trainers(session_id):
    return db.session.execute(select(User.id, User.first_name, User.last_name).join(
        SessionTrainer, SessionTrainer.user_id == User.id).where(SessionTrainer.session_id == session_id)
        .order_by(User.last_name)).all()


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
