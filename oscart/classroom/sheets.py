"""Reading the attendance sheet of one session part: its rows, the walk-ins that may be added, the session's
parts and the course title, in one statement after the part and its session."""

from dataclasses import dataclass, field
from functools import cache

from sqlalchemy import bindparam, select
from sqlalchemy.orm import aliased

from oscart.accounts.models import User
from oscart.classroom.access import check_teaches
from oscart.classroom.models import REGISTERED, Attendance, Registration, SessionPart, SessionTrainer, TrainingSession
from oscart.classroom.sessions import get_part
from oscart.companies.models import Company
from oscart.core.database import SelectsInOne, prepared
from oscart.training.models import Course
from oscart.training.titles import reader_params, reader_title

WALK_IN_CANDIDATES = 500


@dataclass
class Sheet:
    session: TrainingSession
    part: object
    rows: list
    walk_in_candidates: list = field(default_factory=list)
    parts: list = field(default_factory=list)  # rows: id, starts_at, ends_at
    title: str = ""  # the course's, in the reader's language

    @property
    def part_number(self):
        return [part.id for part in self.parts].index(self.part.id) + 1


def load_sheet(part_id, *, actor):
    session, part = get_part(part_id, actor=actor)
    found = _sheet_statement(session.company_id is not None).rows(
        {"session_id": session.id, "part_id": part.id, "user_id": actor.id, "company_id": session.company_id,
         "course_id": session.course_id, **reader_params(actor)})
    check_teaches(session, actor, is_trainer=bool(found["trainer"]))
    title = found["title"][0].title if found["title"] else None
    return Sheet(session, part, found["rows"], found.get("walk_ins", []), found["parts"], title or "")


# An alias of the user table, built once: setting up an alias's columns costs SQLAlchemy milliseconds a request.
@cache
def _marker():
    return aliased(User, name="marker")


@prepared
def _sheet_statement(in_company):
    session_id, marker = bindparam("session_id"), _marker()
    rows = (
        select(User.id.label("user_id"), User.first_name, User.last_name, User.email, Company.name.label("company"),
               Registration.is_walk_in, Attendance.status, Attendance.minutes, Attendance.note, Attendance.version,
               Attendance.updated_at, Attendance.signature, Attendance.signed_at,
               (marker.first_name + " " + marker.last_name).label("marked_by"))
        .join(Registration, Registration.user_id == User.id)
        .outerjoin(Company, Company.id == User.company_id)
        .outerjoin(Attendance, (Attendance.user_id == User.id) & (Attendance.part_id == bindparam("part_id")))
        .outerjoin(marker, marker.id == Attendance.marked_by_id)
        .where(Registration.session_id == session_id, Registration.status == REGISTERED)
    )
    parts = {
        "trainer": (select(SessionTrainer.user_id).where(SessionTrainer.session_id == session_id,
                                                         SessionTrainer.user_id == bindparam("user_id")), ()),
        "rows": (rows, (User.last_name, User.first_name, User.id)),
        "parts": (select(SessionPart.id, SessionPart.starts_at, SessionPart.ends_at)
                  .where(SessionPart.session_id == session_id), (SessionPart.starts_at,)),
        "title": (select(reader_title(Course.id).label("title")).where(Course.id == bindparam("course_id")), ()),
    }
    if in_company:  # employees of the session's company not on the sheet yet (open sessions: none)
        on_sheet = select(Registration.user_id).where(Registration.session_id == session_id,
                                                      Registration.status == REGISTERED)
        parts["walk_ins"] = (select(User.id, User.first_name, User.last_name)
                             .where(User.company_id == bindparam("company_id"), User.is_active.is_(True),
                                    User.id.notin_(on_sheet)).limit(WALK_IN_CANDIDATES),
                             (User.last_name, User.first_name))
    return SelectsInOne(**parts)
