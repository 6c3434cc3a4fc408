"""Authoring a course's question bank: the rules of the knowledge check, and questions written once with their
translations. Everything is checked before anything is written, so refused input leaves nothing half-saved."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import selectinload

from oscart.audit.services import record_event
from oscart.core.database import utcnow
from oscart.core.exceptions import Conflict, NotFound, RuleViolation
from oscart.core.extensions import db
from oscart.core.i18n import LANGUAGE_LABELS, LANGUAGES
from oscart.training.quiz_models import (
    KINDS,
    MAX_CHOICES,
    MULTIPLE,
    SINGLE,
    TRUE_FALSE,
    Choice,
    ChoiceTranslation,
    Question,
    QuestionTranslation,
    Quiz,
)

MAX_TEXT, MAX_ANSWER = 2000, 500


class QuestionConflict(Conflict):
    """Someone saved the question after the editor loaded it; ``current`` is the question as it is now."""

    def __init__(self, message, current):
        super().__init__(message)
        self.current = current


def get_quiz(course):
    return db.session.scalar(select(Quiz).where(Quiz.course_id == course.id))


def get_or_create_quiz(course):
    quiz = get_quiz(course)
    if quiz is None:
        quiz = Quiz(course_id=course.id, pass_percent=70, max_attempts=3, wait_minutes=0, is_answers_shown=False)
        db.session.add(quiz)
        db.session.flush()
    return quiz


def save_quiz_settings(course, *, actor, pass_percent, max_attempts, draw_count=None, wait_minutes=0,
                       is_answers_shown=False):
    """The knowledge check's rules; ``draw_count`` None draws every question of the bank."""
    if pass_percent is None or not 1 <= pass_percent <= 100:
        raise RuleViolation(_l("Enter a pass mark between 1 and 100."), "pass_percent")
    if max_attempts is None or not 1 <= max_attempts <= 20:
        raise RuleViolation(_l("Allow between 1 and 20 attempts."), "max_attempts")
    if draw_count is not None and not 1 <= draw_count <= 200:
        raise RuleViolation(_l("Draw between 1 and 200 questions, or leave the field empty to ask every question."),
                            "draw_count")
    if wait_minutes is None or not 0 <= wait_minutes <= 10080:
        raise RuleViolation(_l("Enter a waiting time between 0 and 10080 minutes (one week)."), "wait_minutes")
    quiz = get_or_create_quiz(course)
    quiz.pass_percent, quiz.max_attempts, quiz.draw_count = pass_percent, max_attempts, draw_count
    quiz.wait_minutes, quiz.is_answers_shown = wait_minutes, bool(is_answers_shown)
    db.session.flush()
    record_event("training.quiz_settings_saved", actor=actor, company_id=course.owner_company_id,
                 target=f"course:{course.id}", pass_percent=pass_percent, max_attempts=max_attempts,
                 draw_count=draw_count, wait_minutes=wait_minutes, answers_shown=bool(is_answers_shown))
    return quiz


def list_bank(course):
    """(quiz, questions): every question with its translations, answers and their translations (four queries)."""
    quiz = get_quiz(course)
    if quiz is None:
        return None, []
    questions = db.session.scalars(
        select(Question).options(selectinload(Question.translations),
                                 selectinload(Question.choices).selectinload(Choice.translations))
        .where(Question.quiz_id == quiz.id).order_by(Question.position, Question.id)).all()
    return quiz, questions


def bank_languages(quiz_id):
    """{language: number of questions written in it} and the number of questions of the bank."""
    total = db.session.scalar(select(func.count(Question.id)).where(Question.quiz_id == quiz_id))
    counts = dict(db.session.execute(
        select(QuestionTranslation.language, func.count(QuestionTranslation.id))
        .join(Question, Question.id == QuestionTranslation.question_id)
        .where(Question.quiz_id == quiz_id).group_by(QuestionTranslation.language)).all())
    return counts, total


def get_question(course, question_id):
    """A question of the course's bank with everything it holds; a question of another course is NotFound."""
    question = db.session.scalar(
        select(Question).join(Quiz, Quiz.id == Question.quiz_id)
        .options(selectinload(Question.translations),
                 selectinload(Question.choices).selectinload(Choice.translations))
        .where(Question.id == question_id, Quiz.course_id == course.id)
        .execution_options(populate_existing=True))
    if question is None:
        raise NotFound()
    return question


def question_content(question):
    """The question as the editor shows it: kind, version, per language text, explanation and answers, and the
    indexes of the correct answers."""
    texts = {code: {"text": "", "explanation": "", "answers": [""] * MAX_CHOICES} for code in LANGUAGES}
    for translation in question.translations:
        texts[translation.language].update(text=translation.text, explanation=translation.explanation)
    correct = set()
    for index, choice in enumerate(question.choices):
        if choice.is_correct:
            correct.add(index)
        for translation in choice.translations:
            if index < MAX_CHOICES:
                texts[translation.language]["answers"][index] = translation.text
    return {"kind": question.kind, "version": question.version, "texts": texts, "correct": correct}


def _clean(texts):
    return {code: {"text": (texts.get(code, {}).get("text") or "").strip(),
                   "explanation": (texts.get(code, {}).get("explanation") or "").strip(),
                   "answers": [(answer or "").strip() for answer in
                               (list(texts.get(code, {}).get("answers") or []) + [""] * MAX_CHOICES)[:MAX_CHOICES]]}
            for code in LANGUAGES}


def _too_long(limit):
    return lazy_ngettext("Use at most %(num)d character.", "Use at most %(num)d characters.", limit)


def _check_languages(texts, default_language):
    written = [code for code in LANGUAGES if texts[code]["text"]]
    if not written:
        raise RuleViolation(_l("Write the question in at least one language."), f"text_{default_language}")
    for code in LANGUAGES:
        entry = texts[code]
        if not entry["text"] and (entry["explanation"] or any(entry["answers"])):
            raise RuleViolation(_("Write the question in %(language)s too, or leave its answers and explanation "
                                  "in %(language)s empty.", language=LANGUAGE_LABELS[code]), f"text_{code}")
        if len(entry["text"]) > MAX_TEXT or len(entry["explanation"]) > MAX_TEXT:
            raise RuleViolation(_too_long(MAX_TEXT), f"text_{code}")
        if any(len(answer) > MAX_ANSWER for answer in entry["answers"]):
            raise RuleViolation(_too_long(MAX_ANSWER), f"answer_{code}_1")
    return written


def _check_choices(kind, texts, written, correct):
    """The indexes of the answers to store, after checking that every written language has each of them."""
    if kind == TRUE_FALSE:
        if len(correct) != 1 or not correct <= {0, 1}:
            raise RuleViolation(_l("Say whether the statement is true or false."), "correct")
        return [0, 1]
    used = [index for index in range(MAX_CHOICES) if any(texts[code]["answers"][index] for code in LANGUAGES)]
    if len(used) < 2:
        raise RuleViolation(_l("Give at least two answers."), f"answer_{written[0]}_1")
    for code in written:
        for index in used:
            if not texts[code]["answers"][index]:
                raise RuleViolation(_("Answer %(number)s has no text in %(language)s.", number=index + 1,
                                      language=LANGUAGE_LABELS[code]), f"answer_{code}_{index + 1}")
    if not correct <= set(used):
        raise RuleViolation(_l("Mark only answers that have a text as correct."), "correct")
    if kind == SINGLE and len(correct) != 1:
        raise RuleViolation(_l("Mark exactly one answer as correct."), "correct")
    if kind == MULTIPLE and not correct:
        raise RuleViolation(_l("Mark at least one answer as correct."), "correct")
    return used


def save_question(course, question_id=None, *, actor, kind, texts, correct, version=None):
    """Add a question (``question_id`` None) or replace one, all its languages at once.

    ``texts``: {language: {"text", "explanation", "answers": [answer per row]}}; ``correct``: the indexes of the
    correct answer rows (for true/false: 0 true, 1 false). ``version``: the version the editor loaded; when
    someone saved the question since, QuestionConflict and nothing is written.
    """
    if kind not in KINDS:
        raise RuleViolation(_l("Choose one of the offered question types."), "kind")
    texts, correct = _clean(texts), {int(index) for index in correct}
    written = _check_languages(texts, course.default_language)
    used = _check_choices(kind, texts, written, correct)
    if question_id is None:
        quiz = get_or_create_quiz(course)
        last = db.session.scalar(select(func.max(Question.position)).where(Question.quiz_id == quiz.id)) or 0
        question = Question(quiz_id=quiz.id, kind=kind, position=last + 1, version=1, updated_at=utcnow())
        db.session.add(question)
        db.session.flush()
    else:
        question = get_question(course, question_id)
        _claim_version(course, question, version, kind)
        db.session.execute(delete(Choice).where(Choice.question_id == question.id))
        db.session.execute(delete(QuestionTranslation).where(QuestionTranslation.question_id == question.id))
        db.session.expunge(question)  # with its loaded answers and texts: the rows are gone, new ones may reuse ids
    _write_content(question, kind, texts, written, used, correct)
    record_event("training.question_created" if question_id is None else "training.question_updated",
                 actor=actor, company_id=course.owner_company_id, target=f"course:{course.id}",
                 question_id=question.id, kind=kind, languages=written)
    return question


def _claim_version(course, question, version, kind):
    # One conditional UPDATE: of two editors saving the same version at the same moment, exactly one wins.
    changed = db.session.execute(
        update(Question).where(Question.id == question.id, Question.version == version)
        .values(version=Question.version + 1, kind=kind, updated_at=utcnow())
        .execution_options(synchronize_session=False)).rowcount
    if not changed:
        raise QuestionConflict(_l("Someone else saved this question after you opened it. Nothing was saved: "
                                  "the question as it is now is shown below; make your changes again."),
                               current=question.id)


def _write_content(question, kind, texts, written, used, correct):
    for code in written:
        db.session.add(QuestionTranslation(question_id=question.id, language=code, text=texts[code]["text"],
                                           explanation=texts[code]["explanation"]))
    for position, index in enumerate(used, start=1):
        choice = Choice(question_id=question.id, position=position, is_correct=index in correct)
        db.session.add(choice)
        db.session.flush()
        if kind != TRUE_FALSE:
            db.session.add_all([ChoiceTranslation(choice_id=choice.id, language=code,
                                                  text=texts[code]["answers"][index]) for code in written])
    db.session.flush()


def move_question(course, question_id, *, actor, offset):
    """Swap the question with its neighbour before (offset -1) or after (+1) in the bank. Attempts keep the
    order they were asked in: it is stored with each attempt."""
    question = get_question(course, question_id)
    questions = db.session.scalars(select(Question).where(Question.quiz_id == question.quiz_id)
                                   .order_by(Question.position, Question.id)).all()
    index = questions.index(question)
    other = index + offset
    if not 0 <= other < len(questions):
        return
    questions[index], questions[other] = questions[other], questions[index]
    for position, item in enumerate(questions, start=1):
        item.position = position
    db.session.flush()
    record_event("training.question_moved", actor=actor, company_id=course.owner_company_id,
                 target=f"course:{course.id}", question_id=question.id, position=other + 1)


def delete_question(course, question_id, *, actor):
    """Attempts keep what they asked, so a question can go even when people answered it."""
    question = get_question(course, question_id)
    db.session.execute(delete(Question).where(Question.id == question.id)
                       .execution_options(synchronize_session=False))
    record_event("training.question_deleted", actor=actor, company_id=course.owner_company_id,
                 target=f"course:{course.id}", question_id=question_id)
