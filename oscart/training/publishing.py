"""What a course needs before it is published: per language offered to learners (every language the course has a
title in), its lessons, the files of its video and document lessons, and its knowledge-check questions. What blocks
publishing and what only needs the author's explicit consent to a fallback language."""

from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from oscart.core.extensions import db
from oscart.core.i18n import LANGUAGES, pick_translation
from oscart.training.media_models import DOCUMENT, VIDEO, LessonMedia
from oscart.training.models import CLASSROOM, RULE_LESSONS_QUIZ, CourseTranslation, Lesson, LessonTranslation
from oscart.training.quiz_models import Question, QuestionTranslation, Quiz


@dataclass
class Checklist:
    """``blocking``: messages that prevent publishing; ``languages``: per offered language the number of lessons
    and questions missing in it and ``files``, the lessons without their file in it (MissingFile, in lesson
    order); ``fallbacks``: the languages that miss something."""

    blocking: list = field(default_factory=list)
    languages: dict = field(default_factory=dict)
    lessons: int = 0
    questions: int = 0

    @property
    def fallbacks(self):
        return [code for code, missing in self.languages.items()
                if missing["lessons"] or missing["questions"] or missing["files"]]


@dataclass(frozen=True)
class MissingFile:
    """A video or document lesson (``number`` as the editor counts it, title in the course's default language or
    the nearest) without its ``role`` file (video or document) in a language."""

    lesson_id: int
    number: int
    title: str
    role: str


def publish_checklist(course):
    """The checklist of ``course`` in six queries at most, whatever the number of lessons and questions."""
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
    files = _missing_files(course, offered) if lesson_total else {}
    for code in offered:
        checklist.languages[code] = {"lessons": lesson_total - lesson_counts.get(code, 0),
                                     "questions": question_total - question_counts.get(code, 0),
                                     "files": files.get(code, [])}
    return checklist


def _missing_files(course, offered):
    """{language: [MissingFile]} for the offered languages in which a video lesson has no video or a document
    lesson no PDF (captions are optional). A learner then gets the file of another language, as with a text."""
    numbers, kinds, lacking = lessons_lacking_files(course.id, offered)
    if not lacking:
        return {}
    titles = {}
    for lesson_id, language, title in db.session.execute(
            select(LessonTranslation.lesson_id, LessonTranslation.language, LessonTranslation.title)
            .where(LessonTranslation.lesson_id.in_(lacking))):
        titles.setdefault(lesson_id, {})[language] = title
    found = {}
    for lesson_id, codes in lacking.items():
        available = titles.get(lesson_id, {})
        title = available.get(pick_translation(available, course.default_language), "")
        for code in codes:
            found.setdefault(code, []).append(MissingFile(lesson_id, numbers[lesson_id], title, kinds[lesson_id]))
    return found


def lessons_lacking_files(course_id, languages):
    """In one statement: ({lesson id: its number}, {lesson id: kind}, {lesson id: [languages]}) of a course's
    lessons, numbered as the editor counts them, and the video and document lessons without their video or PDF in
    some of ``languages`` (in lesson order; captions are optional)."""
    # A lesson's kind names the role of its main file: a video lesson's video, a document lesson's document.
    rows = db.session.execute(
        select(Lesson.id, Lesson.kind, LessonMedia.language).outerjoin(
            LessonMedia, (LessonMedia.lesson_id == Lesson.id) & (LessonMedia.role == Lesson.kind)
            & LessonMedia.role.in_((VIDEO, DOCUMENT)))
        .where(Lesson.course_id == course_id).order_by(Lesson.position, Lesson.id)).all()
    numbers, kinds, present = {}, {}, {}
    for lesson_id, kind, language in rows:
        numbers.setdefault(lesson_id, len(numbers) + 1)
        kinds[lesson_id] = kind
        present.setdefault(lesson_id, set()).add(language)
    lacking = {lesson_id: [code for code in languages if code not in present[lesson_id]]
               for lesson_id, kind in kinds.items() if kind in (VIDEO, DOCUMENT)}
    return numbers, kinds, {lesson_id: codes for lesson_id, codes in lacking.items() if codes}


def _counts(parent, translation, parent_column, condition):
    """(number of parents, {language: number of parents translated in it})."""
    total = db.session.scalar(select(func.count(parent.id)).where(condition))
    counts = dict(db.session.execute(
        select(translation.language, func.count(translation.id)).join(parent, parent.id == parent_column)
        .where(condition).group_by(translation.language)).all()) if total else {}
    return total, counts
