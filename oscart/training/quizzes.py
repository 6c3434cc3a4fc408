"""Knowledge checks: start an attempt, submit it once, checked on the server; and the completion requirement."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from oscart.audit.services import record_event
from oscart.core.database import utcnow
from oscart.core.exceptions import NotFound, RuleViolation
from oscart.core.extensions import db
from oscart.core.locking import lock
from oscart.training.completion import requirement, update_completion
from oscart.training.models import BLENDED, ELEARNING, RULE_LESSONS_QUIZ, Enrolment, Lesson, LessonProgress
from oscart.training.quiz_models import Question, Quiz, QuizAttempt
from oscart.training.services import (
    get_own_enrolment,
    has_passed,
    lesson_rows,
    lessons_with_progress,
    refresh_progress,
)


@requirement("lessons", formats=(ELEARNING, BLENDED))
def lessons_and_quiz_done(enrolment, course):
    """Every lesson done, and the knowledge check passed when the course's rule asks for it."""
    lessons = db.session.scalar(select(func.count(Lesson.id)).where(Lesson.course_id == course.id))
    done = db.session.scalar(select(func.count(LessonProgress.id)).join(Lesson, Lesson.id == LessonProgress.lesson_id)
                             .where(LessonProgress.enrolment_id == enrolment.id, Lesson.course_id == course.id))
    if done < lessons:
        return False
    if course.completion_rule == RULE_LESSONS_QUIZ:
        return has_passed(enrolment)
    return True


def get_quiz(course_id):
    return db.session.scalar(select(Quiz).where(Quiz.course_id == course_id))


def quiz_languages(quiz_id):
    return set(db.session.scalars(select(Question.language).where(Question.quiz_id == quiz_id).distinct()))


def _submitted_count(enrolment, quiz):
    return db.session.scalar(select(func.count(QuizAttempt.id)).where(
        QuizAttempt.enrolment_id == enrolment.id, QuizAttempt.quiz_id == quiz.id,
        QuizAttempt.submitted_at.is_not(None)))


def _check_may_attempt(enrolment, quiz):
    if has_passed(enrolment):
        raise RuleViolation(_l("You have already passed this knowledge check."))
    if _submitted_count(enrolment, quiz) >= quiz.max_attempts:
        raise RuleViolation(lazy_ngettext("You have used the %(num)s attempt of this knowledge check.",
                                          "You have used all %(num)s attempts of this knowledge check.",
                                          quiz.max_attempts))


def start_attempt(actor, enrolment_id, preferred):
    """Open an attempt (or return the open one) once every lesson is done and attempts are left.

    The enrolment is locked first, so attempts started at the same moment are one attempt, never one too many.
    """
    enrolment = get_own_enrolment(actor, enrolment_id)
    lock(enrolment)
    quiz = get_quiz(enrolment.course_id)
    if quiz is None:
        raise NotFound()
    lessons, done = lessons_with_progress(enrolment.course_id, [], enrolment.id)
    if any(lesson["id"] not in done for lesson in lessons):
        raise RuleViolation(_l("Finish every lesson before the knowledge check."))
    _check_may_attempt(enrolment, quiz)
    open_attempt = db.session.scalar(select(QuizAttempt).where(
        QuizAttempt.enrolment_id == enrolment.id, QuizAttempt.submitted_at.is_(None)))
    if open_attempt is not None:
        return open_attempt
    language = preferred.pick(quiz_languages(quiz.id))
    if language is None:
        raise NotFound()
    attempt = QuizAttempt(enrolment_id=enrolment.id, quiz_id=quiz.id, language=language)
    db.session.add(attempt)
    db.session.flush()
    return attempt


def get_own_attempt(actor, attempt_id):
    """(attempt, enrolment, quiz): another user's attempt is NotFound."""
    row = db.session.execute(
        select(QuizAttempt, Enrolment, Quiz).join(Enrolment, Enrolment.id == QuizAttempt.enrolment_id)
        .join(Quiz, Quiz.id == QuizAttempt.quiz_id)
        .where(QuizAttempt.id == attempt_id, Enrolment.user_id == actor.id)
    ).one_or_none()
    if row is None:
        raise NotFound()
    return row


def attempt_questions(attempt):
    """The questions of the attempt's language with their choices (correct flags stay on the server)."""
    return db.session.scalars(
        select(Question).options(selectinload(Question.choices))
        .where(Question.quiz_id == attempt.quiz_id, Question.language == attempt.language)
        .order_by(Question.position, Question.id)
    ).all()


def submit_attempt(actor, attempt_id, answers, *, now=None):
    """Score ``answers`` ({question id: choice id}); a submitted attempt or exhausted limit changes nothing."""
    attempt, enrolment, quiz = get_own_attempt(actor, attempt_id)
    lock(enrolment, attempt)  # the same attempt sent twice at once counts once
    if attempt.submitted_at is not None:
        raise RuleViolation(_l("This attempt was already submitted. Start a new attempt to answer again."))
    _check_may_attempt(enrolment, quiz)
    questions = attempt_questions(attempt)
    chosen = {}
    for question in questions:
        choice_id = answers.get(question.id)
        valid = {choice.id: choice for choice in question.choices}
        if choice_id not in valid:
            raise RuleViolation(_l("Answer every question."))
        chosen[question.id] = valid[choice_id]
    correct = sum(1 for choice in chosen.values() if choice.is_correct)
    attempt.score_percent = (100 * correct) // len(questions) if questions else 0
    attempt.is_passed = attempt.score_percent >= quiz.pass_percent
    attempt.submitted_at = now or utcnow()
    attempt.answers = {str(qid): choice.id for qid, choice in chosen.items()}
    db.session.flush()
    record_event("training.quiz_attempt", actor=actor, subject=actor, target=f"course:{enrolment.course_id}",
                 attempt_id=attempt.id, score_percent=attempt.score_percent, passed=attempt.is_passed)
    if attempt.is_passed:
        lessons = lesson_rows(enrolment.course_id, [])
        done = db.session.scalar(select(func.count(LessonProgress.id)).where(
            LessonProgress.enrolment_id == enrolment.id))
        refresh_progress(enrolment, lessons=len(lessons), done=done)
        update_completion(enrolment, actor=actor, now=now)
    return attempt, enrolment
