"""A person's whole training record as their company admin reads it: courses, classroom sessions, certificates.

Each block is one query whatever its length; course titles are in the reader's language (training.titles).
The caller has checked that the person belongs to the reader's company (directory.get_person).
"""

from sqlalchemy import func, select

from oscart.certificates.models import Certificate
from oscart.certificates.services import LIST_COLUMNS, listed_title
from oscart.classroom.models import ABSENT, EXCUSED, Attendance, Registration, SessionPart, TrainingSession
from oscart.core.extensions import db
from oscart.training.models import Enrolment
from oscart.training.titles import reader_title


def list_courses(reader, user_id):
    """The person's enrolments, open ones first (by due date), then completed ones (newest first)."""
    title = reader_title(Enrolment.course_id, language=reader.language, company_id=reader.company_id)
    return db.session.execute(
        select(Enrolment.id, Enrolment.course_id, Enrolment.status, Enrolment.progress_percent, Enrolment.due_at,
               Enrolment.enrolled_at, Enrolment.completed_at, title.label("title"))
        .where(Enrolment.user_id == user_id)
        .order_by(Enrolment.completed_at.is_not(None), Enrolment.due_at.is_(None), Enrolment.due_at,
                  Enrolment.completed_at.desc(), Enrolment.id)
    ).all()


def list_sessions(reader, user_id):
    """The classroom sessions the person registered for (newest first), with their attendance: parts
    attended, parts marked, the session's parts and the minutes attended."""
    attended = (select(func.count(Attendance.id))
                .where(Attendance.session_id == TrainingSession.id, Attendance.user_id == user_id,
                       Attendance.status.not_in((ABSENT, EXCUSED))).scalar_subquery())
    marked = (select(func.count(Attendance.id))
              .where(Attendance.session_id == TrainingSession.id, Attendance.user_id == user_id).scalar_subquery())
    minutes = (select(func.coalesce(func.sum(Attendance.minutes), 0))
               .where(Attendance.session_id == TrainingSession.id, Attendance.user_id == user_id).scalar_subquery())
    parts = select(func.count(SessionPart.id)).where(SessionPart.session_id == TrainingSession.id).scalar_subquery()
    title = reader_title(TrainingSession.course_id, language=reader.language, company_id=reader.company_id)
    return db.session.execute(
        select(TrainingSession.id, TrainingSession.course_id, TrainingSession.starts_at, TrainingSession.ends_at,
               Registration.status, title.label("title"), attended.label("attended_parts"),
               marked.label("marked_parts"), parts.label("parts"), minutes.label("minutes"))
        .join(Registration, Registration.session_id == TrainingSession.id)
        .where(Registration.user_id == user_id)
        .order_by(TrainingSession.starts_at.desc(), TrainingSession.id.desc())
    ).all()


def list_certificates(reader, user_id):
    """The person's certificates issued in the reader's company, newest first."""
    return db.session.execute(
        select(*LIST_COLUMNS, listed_title(reader))
        .where(Certificate.user_id == user_id, Certificate.company_id == reader.company_id)
        .order_by(Certificate.completed_on.desc(), Certificate.id.desc())
    ).all()
