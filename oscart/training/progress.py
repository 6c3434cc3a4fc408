"""A trainee's progress: a lesson marked done, the percentage, and completion when every requirement is met."""

from sqlalchemy import exists, select

from oscart.audit.services import record_event
from oscart.core.database import utcnow
from oscart.core.exceptions import NotFound
from oscart.core.extensions import db
from oscart.core.locking import lock
from oscart.training.completion import update_completion
from oscart.training.course_lessons import check_lesson_order, lessons_with_progress, next_lesson_id
from oscart.training.enrolling import get_own_enrolment
from oscart.training.models import RULE_LESSONS_QUIZ, Course, LessonProgress
from oscart.training.quiz_models import QuizAttempt


def mark_lesson_done(actor, enrolment_id, lesson_id, *, now=None):
    """Record the lesson as done (once), update progress and complete the course when every rule is met."""
    enrolment = get_own_enrolment(actor, enrolment_id)
    lock(enrolment)
    lessons, done = lessons_with_progress(enrolment.course_id, [], enrolment.id)
    if lesson_id not in {lesson["id"] for lesson in lessons}:
        raise NotFound()
    check_lesson_order(lessons, done, lesson_id)
    if lesson_id not in done:
        db.session.add(LessonProgress(enrolment_id=enrolment.id, lesson_id=lesson_id, completed_at=now or utcnow()))
        done.add(lesson_id)
        record_event("training.lesson_done", actor=actor, subject=actor, target=f"lesson:{lesson_id}",
                     course_id=enrolment.course_id)
    enrolment.last_lesson_id = lesson_id
    refresh_progress(enrolment, lessons=len(lessons), done=len(done))
    update_completion(enrolment, actor=actor, now=now)
    return enrolment, next_lesson_id(lessons, done)


def refresh_progress(enrolment, *, lessons, done):
    """Progress in percent: lessons done, with the knowledge check counted as one more step."""
    steps, finished = lessons, done
    if quiz_required(enrolment.course_id):
        steps += 1
        finished += 1 if has_passed(enrolment) else 0
    if not enrolment.is_completed:
        enrolment.progress_percent = min(99, (100 * finished) // steps) if steps else 0


def quiz_required(course_id):
    """True when the course completes only with a passed knowledge check."""
    rule = db.session.scalar(select(Course.completion_rule).where(Course.id == course_id))
    return rule == RULE_LESSONS_QUIZ


def has_passed(enrolment):
    return db.session.scalar(select(exists().where(QuizAttempt.enrolment_id == enrolment.id,
                                                   QuizAttempt.is_passed.is_(True))))
