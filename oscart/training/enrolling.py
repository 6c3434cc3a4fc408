"""Enrolling in a course, and a trainee's own enrolments.

A course is reached through the visibility rule, so another company's course answers NotFound like a missing one.
"""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from oscart.audit.services import record_event
from oscart.core.exceptions import NotFound, RuleViolation
from oscart.core.extensions import db
from oscart.core.locking import lock
from oscart.training.models import BLENDED, COMPLETED, ELEARNING, PUBLISHED, Enrolment
from oscart.training.visibility import get_visible_course

SELF_ENROL_FORMATS = (ELEARNING, BLENDED)


def is_overdue(status, due_at, now):
    """A due date has passed and the course is not completed (dashboard and course page)."""
    return status != COMPLETED and due_at is not None and due_at < now


def enrol(actor, course_id):
    """Enrol the actor in a visible e-learning or blended course; enrolling twice returns the same one."""
    course = get_visible_course(actor, course_id)
    if course.status != PUBLISHED:
        raise NotFound()
    if course.format not in SELF_ENROL_FORMATS:
        raise RuleViolation(_l("You register for this course through a classroom session."))
    lock(course)  # two clicks at once enrol once
    enrolment = db.session.scalar(select(Enrolment).where(Enrolment.course_id == course.id,
                                                          Enrolment.user_id == actor.id))
    if enrolment is None:
        enrolment = Enrolment(user_id=actor.id, course_id=course.id)
        db.session.add(enrolment)
        db.session.flush()
        record_event("training.enrolled", actor=actor, subject=actor, target=f"course:{course.id}")
    return enrolment


def get_own_enrolment(actor, enrolment_id):
    """The actor's own enrolment; another user's id is NotFound, like a missing one."""
    enrolment = db.session.scalar(select(Enrolment).where(Enrolment.id == enrolment_id,
                                                          Enrolment.user_id == actor.id))
    if enrolment is None:
        raise NotFound()
    return enrolment
