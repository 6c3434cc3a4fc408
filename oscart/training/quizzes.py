"""Knowledge checks: start an attempt (questions drawn and answers shuffled once, kept in the attempt), submit
it once, checked on the server; the result per question; and the completion requirement."""

import random
from datetime import timedelta

from flask_babel import format_datetime, lazy_ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from oscart.audit.services import record_event
from oscart.core.database import utcnow
from oscart.core.exceptions import NotFound, RuleViolation
from oscart.core.extensions import db
from oscart.core.i18n import force_locale
from oscart.core.locking import lock
from oscart.training.completion import requirement, update_completion
from oscart.training.course_lessons import lesson_rows, lessons_with_progress
from oscart.training.enrolling import get_own_enrolment
from oscart.training.models import BLENDED, ELEARNING, RULE_LESSONS_QUIZ, Enrolment, Lesson, LessonProgress
from oscart.training.progress import has_passed, refresh_progress
from oscart.training.quiz_models import MULTIPLE, TRUE_FALSE, Choice, Question, Quiz, QuizAttempt

_random = random.SystemRandom()


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


def _submitted(enrolment, quiz):
    """(number of submitted attempts, when the last one was submitted)."""
    return db.session.execute(select(func.count(QuizAttempt.id), func.max(QuizAttempt.submitted_at)).where(
        QuizAttempt.enrolment_id == enrolment.id, QuizAttempt.quiz_id == quiz.id,
        QuizAttempt.submitted_at.is_not(None))).one()


def next_attempt_at(quiz, last_submitted_at):
    """When the waiting time after the last attempt ends (None when there is nothing to wait for)."""
    if not quiz.wait_minutes or last_submitted_at is None:
        return None
    return last_submitted_at + timedelta(minutes=quiz.wait_minutes)


def _check_may_attempt(enrolment, quiz, *, now, starting):
    if has_passed(enrolment):
        raise RuleViolation(_l("You have already passed this knowledge check."))
    count, last_at = _submitted(enrolment, quiz)
    if count >= quiz.max_attempts:
        raise RuleViolation(lazy_ngettext("You have used the %(num)s attempt of this knowledge check.",
                                          "You have used all %(num)s attempts of this knowledge check.",
                                          quiz.max_attempts))
    wait_until = next_attempt_at(quiz, last_at)
    if starting and wait_until is not None and now < wait_until:
        raise RuleViolation(_("You can take the knowledge check again from %(time)s.",
                              time=format_datetime(wait_until, "short")))


def start_attempt(actor, enrolment_id, preferred, *, now=None):
    """Open an attempt (or return the open one) once every lesson is done, attempts are left and the waiting
    time after the last attempt is over.

    The enrolment is locked first, so attempts started at the same moment are one attempt, never one too many.
    """
    now = now or utcnow()
    enrolment = get_own_enrolment(actor, enrolment_id)
    lock(enrolment)
    quiz = get_quiz(enrolment.course_id)
    if quiz is None:
        raise NotFound()
    lessons, done = lessons_with_progress(enrolment.course_id, [], enrolment.id)
    if any(lesson["id"] not in done for lesson in lessons):
        raise RuleViolation(_l("Finish every lesson before the knowledge check."))
    open_attempt = db.session.scalar(select(QuizAttempt).where(
        QuizAttempt.enrolment_id == enrolment.id, QuizAttempt.submitted_at.is_(None)))
    _check_may_attempt(enrolment, quiz, now=now, starting=open_attempt is None)
    if open_attempt is not None:
        return open_attempt
    questions = bank_questions(quiz.id)
    if not questions:
        raise NotFound()
    language = _attempt_language(questions, preferred)
    attempt = QuizAttempt(enrolment_id=enrolment.id, quiz_id=quiz.id, language=language, started_at=now,
                          questions=draw_questions(questions, quiz.draw_count, language, preferred))
    db.session.add(attempt)
    db.session.flush()
    return attempt


def bank_questions(quiz_id):
    return db.session.scalars(
        select(Question).options(selectinload(Question.translations),
                                 selectinload(Question.choices).selectinload(Choice.translations))
        .where(Question.quiz_id == quiz_id).order_by(Question.position, Question.id)).all()


def _attempt_language(questions, preferred):
    """The first language of the learner's chain that has any question; a question not written in it is shown in
    the next language of the chain that has it (the page says so)."""
    return preferred.pick(set().union(*({t.language for t in question.translations} for question in questions)))


def draw_questions(questions, draw_count, language, preferred):
    """What one attempt asks: ``draw_count`` questions at random (all when None) in the bank's order, each in
    ``language`` or the learner's next language that has it, with its answers shuffled (true/false stays
    true, false). Kept in the attempt, so the page shows the same questions and order every time."""
    if draw_count and draw_count < len(questions):
        chosen = {question.id for question in _random.sample(list(questions), draw_count)}
        questions = [question for question in questions if question.id in chosen]
    return [_snapshot(question, language, preferred) for question in questions]


def _snapshot(question, language, preferred):
    texts = {t.language: t for t in question.translations}
    shown = language if language in texts else preferred.pick(texts)
    choices = []
    for choice in question.choices:
        if question.kind == TRUE_FALSE:
            with force_locale(shown):
                text = _("True") if choice.position == 1 else _("False")
        else:
            text = next((t.text for t in choice.translations if t.language == shown), "")
        choices.append({"id": choice.id, "text": text, "correct": choice.is_correct})
    if question.kind != TRUE_FALSE:
        _random.shuffle(choices)
    return {"id": question.id, "kind": question.kind, "language": shown, "text": texts[shown].text,
            "explanation": texts[shown].explanation, "choices": choices}


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
    """The questions the attempt asks, for the form: texts and answers, without which answers are correct."""
    return [{**question, "choices": [{"id": c["id"], "text": c["text"]} for c in question["choices"]]}
            for question in attempt.questions or []]


def _chosen_ids(question, answers):
    valid = {choice["id"] for choice in question["choices"]}
    chosen = set(answers.get(question["id"]) or [])
    if not chosen or not chosen <= valid or (question["kind"] != MULTIPLE and len(chosen) != 1):
        raise RuleViolation(_l("Answer every question."))
    return chosen


def submit_attempt(actor, attempt_id, answers, *, now=None):
    """Score ``answers`` ({question id: [choice ids]}): a question counts when exactly its correct answers are
    chosen. A submitted attempt or an exhausted limit changes nothing."""
    attempt, enrolment, quiz = get_own_attempt(actor, attempt_id)
    lock(enrolment, attempt)  # the same attempt sent twice at once counts once
    if attempt.submitted_at is not None:
        raise RuleViolation(_l("This attempt was already submitted. Start a new attempt to answer again."))
    _check_may_attempt(enrolment, quiz, now=now or utcnow(), starting=False)
    if not attempt.questions:
        raise NotFound()
    chosen = {question["id"]: _chosen_ids(question, answers) for question in attempt.questions}
    correct = sum(1 for question in attempt.questions if chosen[question["id"]] == _correct_ids(question))
    attempt.score_percent = (100 * correct) // len(attempt.questions)
    attempt.is_passed = attempt.score_percent >= quiz.pass_percent
    attempt.submitted_at = now or utcnow()
    attempt.answers = {str(qid): sorted(ids) for qid, ids in chosen.items()}
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


def _correct_ids(question):
    return {choice["id"] for choice in question["choices"] if choice["correct"]}


def attempt_result(attempt, quiz):
    """Per question of a submitted attempt: what was asked, what the learner chose, whether it was right, the
    explanation, and the right answers only when the course shows them."""
    answers = attempt.answers or {}
    result = []
    for question in attempt.questions or []:
        chosen = set(answers.get(str(question["id"])) or [])
        result.append({
            "text": question["text"], "language": question["language"], "explanation": question["explanation"],
            "is_correct": chosen == _correct_ids(question),
            "choices": [{"text": choice["text"], "is_chosen": choice["id"] in chosen,
                         "is_correct": choice["correct"] if quiz.is_answers_shown else None}
                        for choice in question["choices"]]})
    return result


def attempts_state(enrolment, quiz):
    """(attempts used, when the next may start or None) for the result page."""
    count, last_at = _submitted(enrolment, quiz)
    return count, next_attempt_at(quiz, last_at)
