"""A person's whole training record as their company admin reads it: who they are, their groups, courses, classroom
sessions and certificates, in one statement built once whatever the record's length.

Course titles are in the reader's language (training.titles). Only a visible person of the reader's company is
found (NotFound otherwise, as directory.get_person); the other parts are read with the same statement and
discarded with it when the person is not found.
"""

from functools import cache

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import aliased

from oscart.accounts.models import User
from oscart.certificates.models import Certificate
from oscart.certificates.services import LIST_COLUMNS, listed_title
from oscart.classroom.models import ABSENT, EXCUSED, Attendance, Registration, SessionPart, TrainingSession
from oscart.companies.models import Group, GroupMember, JobRole
from oscart.companies.services import visible_employees
from oscart.core.database import SelectsInOne, prepared
from oscart.core.exceptions import NotFound
from oscart.training.models import Enrolment
from oscart.training.titles import READER_COMPANY, READER_LANGUAGE, reader_title


def employee_page(reader, user_id):
    """{"person": row, "groups", "courses", "sessions", "certificates": [row]} (one query).

    person: the person's own columns, job role name and manager's name and id; groups: (id, name, kind) by name;
    courses: the enrolments, open ones first (by due date), then completed ones (newest first); sessions: the
    classroom sessions the person registered for (newest first) with their attendance (parts attended, parts
    marked, the session's parts, minutes attended); certificates: those issued in the reader's company, newest
    first.
    """
    if reader.company_id is None:
        raise NotFound()
    found = _statement().rows({"user_id": user_id, "company_id": reader.company_id,
                               READER_LANGUAGE: reader.language, READER_COMPANY: reader.company_id})
    if not found["person"]:
        raise NotFound()
    found["person"] = found["person"][0]
    return found


@cache
def _manager():
    return aliased(User, name="manager")


@prepared
def _statement():
    user_id = bindparam("user_id")
    manager = _manager()
    person = (select(User.id, User.first_name, User.last_name, User.email, User.role, User.language, User.is_active,
                     User.employee_number, User.deactivated_at, User.last_login_at, User.created_at,
                     User.job_role_id, JobRole.name.label("job_role"), manager.id.label("manager_id"),
                     manager.first_name.label("manager_first_name"), manager.last_name.label("manager_last_name"),
                     manager.email.label("manager_email"))
              .outerjoin(JobRole, JobRole.id == User.job_role_id)
              .outerjoin(manager, manager.id == User.manager_id)
              .where(User.id == user_id, User.company_id == bindparam("company_id"), *visible_employees()))
    groups = (select(Group.id, Group.name, Group.kind).join(GroupMember, GroupMember.group_id == Group.id)
              .where(GroupMember.user_id == user_id))
    courses = (select(Enrolment.id, Enrolment.course_id, Enrolment.status, Enrolment.progress_percent,
                      Enrolment.due_at, Enrolment.enrolled_at, Enrolment.completed_at,
                      reader_title(Enrolment.course_id).label("title"))
               .where(Enrolment.user_id == user_id))
    # "+ 0" keeps the company's index out of the plan: without statistics SQLite may walk the company's thousands
    # of certificates in date order instead of reading the person's few by ix_certificate_user_completed_on.
    certificates = (select(*LIST_COLUMNS, listed_title())
                    .where(Certificate.user_id == user_id, Certificate.company_id + 0 == bindparam("company_id")))
    return SelectsInOne(
        person=(person, [User.id]), groups=(groups, [func.lower(Group.name), Group.id]),
        courses=(courses, [Enrolment.completed_at.is_not(None), Enrolment.due_at.is_(None), Enrolment.due_at,
                           Enrolment.completed_at.desc(), Enrolment.id]),
        sessions=(_sessions(user_id), [TrainingSession.starts_at.desc(), TrainingSession.id.desc()]),
        certificates=(certificates, [Certificate.completed_on.desc(), Certificate.id.desc()]))


def _sessions(user_id):
    mine = (Attendance.session_id == TrainingSession.id, Attendance.user_id == user_id)
    attended = (select(func.count(Attendance.id)).where(*mine, Attendance.status.not_in((ABSENT, EXCUSED)))
                .scalar_subquery())
    marked = select(func.count(Attendance.id)).where(*mine).scalar_subquery()
    minutes = select(func.coalesce(func.sum(Attendance.minutes), 0)).where(*mine).scalar_subquery()
    parts = select(func.count(SessionPart.id)).where(SessionPart.session_id == TrainingSession.id).scalar_subquery()
    return (select(TrainingSession.id, TrainingSession.course_id, TrainingSession.starts_at, TrainingSession.ends_at,
                   Registration.status, reader_title(TrainingSession.course_id).label("title"),
                   attended.label("attended_parts"), marked.label("marked_parts"), parts.label("parts"),
                   minutes.label("minutes"))
            .join(Registration, Registration.session_id == TrainingSession.id)
            .where(Registration.user_id == user_id))
