"""Reading one classroom session back: its parts, trainers, registrations and seat counts."""

from sqlalchemy import bindparam, func, select

from oscart.accounts.models import User
from oscart.classroom.access import get_session, is_staff
from oscart.classroom.models import REGISTERED, WAITLISTED, Registration, SessionPart, SessionTrainer
from oscart.classroom.roster import company_counts_part, taking_part
from oscart.companies.models import Company
from oscart.core.database import SelectsInOne, prepared
from oscart.core.exceptions import NotFound
from oscart.core.extensions import db
from oscart.training.models import Course
from oscart.training.titles import reader_params, reader_title


def session_parts(session_id):
    return list(db.session.scalars(select(SessionPart).where(SessionPart.session_id == session_id)
                                   .order_by(SessionPart.starts_at)))


def session_trainers(session_id):
    return db.session.execute(select(User.id, User.first_name, User.last_name).join(
        SessionTrainer, SessionTrainer.user_id == User.id).where(SessionTrainer.session_id == session_id)
        .order_by(User.last_name)).all()


def get_part(part_id, *, actor):
    """The part and its session, for an actor who may see the session."""
    part = db.session.get(SessionPart, part_id)
    if part is None:
        raise NotFound()
    return get_session(part.session_id, actor=actor), part


def list_registrations(session_id):
    """Everyone registered or waiting for a session, for its trainers; rows in one query."""
    return db.session.execute(_registrations(session_id).order_by(*_REGISTRATIONS_ORDER)).all()


def _registrations(session_id):
    return (select(User.first_name, User.last_name, Company.name.label("company"), Registration.status,
                   Registration.position, Registration.is_walk_in)
            .join(Registration, Registration.user_id == User.id).outerjoin(Company, Company.id == User.company_id)
            .where(Registration.session_id == session_id, Registration.status.in_((REGISTERED, WAITLISTED))))


_REGISTRATIONS_ORDER = (Registration.status, Registration.position, User.last_name, User.first_name)


def counts(session_id):
    """(registered, waitlisted) of one session in one query."""
    rows = dict(db.session.execute(select(Registration.status, func.count(Registration.id)).where(
        Registration.session_id == session_id, Registration.status.in_((REGISTERED, WAITLISTED)))
        .group_by(Registration.status)).all())
    return rows.get(REGISTERED, 0), rows.get(WAITLISTED, 0)


def session_page(session, reader, *, company=False):
    """What a session's page shows besides the session itself, in one statement: {"parts", "registered",
    "waitlisted", "mine" (the reader's registration: status and position, or None), "is_trainer" (the reader is
    one of its trainers), "title" (in the reader's language, or ""), "trainers", "people" (the registrations, read
    for Oscart staff only; else None), "company" (with ``company``: {status: number} of the reader's company's
    people registered and waiting; else None)}."""
    params = {"session_id": session.id, "user_id": reader.id, "course_id": session.course_id,
              **reader_params(reader)}
    if company:
        params["company_id"] = reader.company_id
    found = _page_statement(is_staff(reader), company).rows(params)
    counted = {row.status: row.count for row in found["counts"]}
    return {"parts": found["parts"], "registered": counted.get(REGISTERED, 0),
            "waitlisted": counted.get(WAITLISTED, 0), "mine": found["mine"][0] if found["mine"] else None,
            "is_trainer": bool(found["trainer"]), "title": found["title"][0].title or "" if found["title"] else "",
            "trainers": found["trainers"], "people": found.get("people"),
            "company": {row.status: row.count for row in found["company"]} if company else None}


@prepared
def _page_statement(with_people, with_company):
    session_id, user_id = bindparam("session_id"), bindparam("user_id")
    parts = {
        "parts": (select(SessionPart.id, SessionPart.starts_at, SessionPart.ends_at)
                  .where(SessionPart.session_id == session_id), (SessionPart.starts_at,)),
        "counts": (select(Registration.status, func.count(Registration.id).label("count"))
                   .where(Registration.session_id == session_id, taking_part())
                   .group_by(Registration.status), (Registration.status,)),
        "mine": (select(Registration.status, Registration.position)
                 .where(Registration.session_id == session_id, Registration.user_id == user_id), ()),
        "trainer": (select(SessionTrainer.user_id)
                    .where(SessionTrainer.session_id == session_id, SessionTrainer.user_id == user_id), ()),
        "title": (select(reader_title(Course.id).label("title")).where(Course.id == bindparam("course_id")), ()),
        "trainers": (select(User.id, User.first_name, User.last_name)
                     .join(SessionTrainer, SessionTrainer.user_id == User.id)
                     .where(SessionTrainer.session_id == session_id), (User.last_name,)),
    }
    if with_people:
        parts["people"] = (_registrations(session_id), _REGISTRATIONS_ORDER)
    if with_company:
        parts["company"] = company_counts_part()
    return SelectsInOne(**parts)
