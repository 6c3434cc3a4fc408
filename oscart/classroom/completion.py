"""Completion from attendance: the ``attendance`` requirement of classroom and blended courses, and the
batch check after a sheet is saved (fixed number of queries whatever the number of trainees)."""

from sqlalchemy import func, insert, select

from oscart.classroom.models import Attendance, TrainingSession
from oscart.core.database import utcnow
from oscart.core.extensions import db
from oscart.training.completion import requirement, update_completion
from oscart.training.models import BLENDED, CLASSROOM, Course, Enrolment

# Per-transaction answers of the attendance requirement, filled in batch before update_completion.
_MET_KEY = "classroom.attendance_met"


def attended_minutes(session_id, user_ids):
    """{user_id: minutes attended over all parts of the session}; one query."""
    if not user_ids:
        return {}
    return dict(db.session.execute(select(Attendance.user_id, func.sum(Attendance.minutes)).where(
        Attendance.session_id == session_id, Attendance.user_id.in_(user_ids)).group_by(Attendance.user_id)).all())


def threshold_met(minutes, total_minutes, percent):
    return total_minutes > 0 and minutes * 100 >= percent * total_minutes


def complete_from_attendance(session, user_ids, actor):
    """Get-or-create the enrolments of the affected trainees and let completion decide for each."""
    if not user_ids:
        return
    course = db.session.get(Course, session.course_id)
    total = session.total_minutes
    minutes = attended_minutes(session.id, user_ids)
    query = select(Enrolment).where(Enrolment.course_id == course.id, Enrolment.user_id.in_(user_ids))
    known = set(db.session.scalars(query.with_only_columns(Enrolment.user_id)))
    if user_ids - known:
        db.session.execute(insert(Enrolment), [{"user_id": uid, "course_id": course.id, "enrolled_at": utcnow()}
                                               for uid in sorted(user_ids - known)])
    enrolments = {e.user_id: e for e in db.session.scalars(query)}
    met = {(uid, course.id): threshold_met(minutes.get(uid, 0), total, course.attendance_threshold_percent)
           for uid in user_ids}
    db.session.info[_MET_KEY] = met
    try:
        for user_id, enrolment in enrolments.items():
            if met[(user_id, course.id)] and not enrolment.is_completed:
                update_completion(enrolment, actor=actor, session=session)
    finally:
        db.session.info.pop(_MET_KEY, None)


@requirement("attendance", formats=(CLASSROOM, BLENDED))
def attendance_requirement(enrolment, course):
    """Met when the trainee attended enough minutes of the parts of one session of the course."""
    cached = db.session.info.get(_MET_KEY, {}).get((enrolment.user_id, course.id))
    if cached is not None:
        return cached
    rows = db.session.execute(select(func.sum(Attendance.minutes), TrainingSession.total_minutes).join(
        TrainingSession, TrainingSession.id == Attendance.session_id).where(
        Attendance.user_id == enrolment.user_id, TrainingSession.course_id == course.id)
        .group_by(Attendance.session_id, TrainingSession.total_minutes)).all()
    return any(threshold_met(minutes or 0, total, course.attendance_threshold_percent) for minutes, total in rows)
