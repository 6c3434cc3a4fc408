"""When an enrolment counts as completed.

Each feature registers the requirement it owns for the course formats it applies to: lessons and
knowledge check (training) for e-learning and blended courses, attendance (classroom) for classroom and
blended courses. An enrolment is complete when every applicable requirement is met.
"""

from oscart.accounts.models import User
from oscart.audit.services import record_event
from oscart.core.database import utcnow
from oscart.core.extensions import db
from oscart.core.signals import course_completed
from oscart.training.models import COMPLETED, Course

_requirements = {}


def requirement(name, formats):
    """Register ``func(enrolment, course) -> bool`` as a completion requirement for ``formats``."""

    def decorator(func):
        _requirements[name] = (frozenset(formats), func)
        return func

    return decorator


def is_complete(enrolment, course=None):
    course = course or db.session.get(Course, enrolment.course_id)
    applicable = [func for formats, func in _requirements.values() if course.format in formats]
    return bool(applicable) and all(func(enrolment, course) for func in applicable)


def update_completion(enrolment, *, actor, session=None, now=None):
    """Complete the enrolment if every requirement is met; True when it completed just now."""
    if enrolment.status == COMPLETED or not is_complete(enrolment):
        return False
    complete_enrolment(enrolment, actor=actor, session=session, now=now)
    return True


def complete_enrolment(enrolment, *, actor, session=None, now=None):
    """Mark completed (once) and tell listeners, e.g. certificates; ``session`` is the classroom session."""
    if enrolment.status == COMPLETED:
        return False
    enrolment.status = COMPLETED
    enrolment.completed_at = now or utcnow()
    enrolment.progress_percent = 100
    db.session.flush()
    record_event("training.completed", actor=actor, subject=db.session.get(User, enrolment.user_id),
                 target=f"course:{enrolment.course_id}", session_id=getattr(session, "id", None))
    course_completed.send(enrolment, actor=actor, session=session)
    return True

