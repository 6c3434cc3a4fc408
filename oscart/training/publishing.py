"""What a course needs before it is published: per language offered to learners (every language the course has a
title in), its lessons and knowledge-check questions. What blocks publishing and what only needs the author's
explicit consent to a fallback language."""

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from oscart.core.extensions import db
from oscart.core.i18n import LANGUAGES
from oscart.training.models import CLASSROOM, RULE_LESSONS_QUIZ, CourseTranslation, Lesson, LessonTranslation
from oscart.training.quiz_models import Question, QuestionTranslation, Quiz


@dataclass
class Checklist:
    """``blocking``: messages that prevent publishing; ``languages``: per offered language the number of lessons
    and questions missing in it; ``fallbacks``: the languages that miss something."""

    blocking: list = field(default_factory=list)
    languages: dict = field(default_factory=dict)
    lessons: int = 0
    questions: int = 0

    @property
    def fallbacks(self):
        return [code for code, missing in self.languages.items() if missing["lessons"] or missing["questions"]]


def publish_checklist(course):
    """The checklist of ``course`` in four queries, whatever the number of lessons and questions."""
    offered = [code for code in LANGUAGES if code in set(db.session.scalars(
        select(CourseTranslation.language).where(CourseTranslation.course_id == course.id)))]
    lesson_total, lesson_counts = _counts(Lesson, LessonTranslation, LessonTranslation.lesson_id,
                                          Lesson.course_id == course.id)
    question_total, question_counts = _counts(Question, QuestionTranslation, QuestionTranslation.question_id,
                                              Question.quiz_id.in_(select(Quiz.id).where(Quiz.course_id == course.id)))
    checklist = Checklist(lessons=lesson_total, questions=question_total)
    if course.default_language not in offered:
        checklist.blocking.append(_l("Give the course a title in its default language before publishing."))
    if not lesson_total and course.format != CLASSROOM:
        checklist.blocking.append(_l("Add at least one lesson before publishing."))
    if course.completion_rule == RULE_LESSONS_QUIZ and not question_total:
        checklist.blocking.append(_l("Add knowledge check questions before publishing, or change the completion "
                                     "rule."))
    for code in offered:
        checklist.languages[code] = {"lessons": lesson_total - lesson_counts.get(code, 0),
                                     "questions": question_total - question_counts.get(code, 0)}
    return checklist


def _counts(parent, translation, parent_column, condition):
    """(number of parents, {language: number of parents translated in it})."""
    total = db.session.scalar(select(func.count(parent.id)).where(condition))
    counts = dict(db.session.execute(
        select(translation.language, func.count(translation.id)).join(parent, parent.id == parent_column)
        .where(condition).group_by(translation.language)).all()) if total else {}
    return total, counts
