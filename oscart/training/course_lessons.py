"""A course's lessons as a trainee follows them: titles in the preferred language, which are done, where to resume,
and the rule that lessons are followed in order."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, and_, bindparam, select

from oscart.core.database import prepared, rows
from oscart.core.exceptions import RuleViolation
from oscart.core.i18n import pick_translation
from oscart.training.models import Enrolment, Lesson, LessonProgress, LessonTranslation

LESSON_ORDER = (Lesson.position, Lesson.id)


def _lessons_with_progress_of(enrolment_id):
    # One row per lesson and title language; done_lesson_id is set where the enrolment has done the lesson.
    return (select(Lesson.id, Lesson.position, LessonTranslation.language, LessonTranslation.title,
                   LessonProgress.lesson_id.label("done_lesson_id"))
            .outerjoin(LessonTranslation, LessonTranslation.lesson_id == Lesson.id)
            .outerjoin(LessonProgress, and_(LessonProgress.lesson_id == Lesson.id,
                                            LessonProgress.enrolment_id == enrolment_id))
            .where(Lesson.course_id == bindparam("course_id")))


@prepared
def _lessons_statement():
    return _lessons_with_progress_of(bindparam("enrolment_id", type_=Integer)).order_by(*LESSON_ORDER)


def lesson_rows(course_id, preferred):
    """[{id, position, title}] ordered, each title in the best available language (one query)."""
    return lessons_with_progress(course_id, preferred, None)[0]


def lessons_with_progress(course_id, preferred, enrolment_id):
    """(lesson_rows(), ids of the lessons the enrolment has done) in one query; no ids without an enrolment."""
    return lessons_from_rows(rows(_lessons_statement(), {"course_id": course_id, "enrolment_id": enrolment_id}),
                             preferred)


def lessons_part():
    """The rows of _lessons_statement() for the enrolment of a user (bound values course_id, user_id), as a part of
    a SelectsInOne: the lessons come in the same statement as the page's other rows."""
    enrolment_id = (select(Enrolment.id).where(Enrolment.course_id == bindparam("course_id"),
                                               Enrolment.user_id == bindparam("user_id")).scalar_subquery())
    return _lessons_with_progress_of(enrolment_id), LESSON_ORDER


def lessons_from_rows(found, preferred):
    """lessons_with_progress() from rows already read (one per lesson and title language, in lesson order)."""
    lessons, done = {}, set()
    for row in found:
        lessons.setdefault(row.id, {"id": row.id, "position": row.position, "titles": {}})
        if row.language:
            lessons[row.id]["titles"][row.language] = row.title
        if row.done_lesson_id is not None:
            done.add(row.id)
    result = []
    for lesson in lessons.values():
        language = pick_translation(lesson["titles"], *preferred)
        result.append({"id": lesson["id"], "position": lesson["position"],
                       "title": lesson["titles"].get(language, "")})
    return result, done


def next_lesson_id(lessons, done):
    """Where the trainee resumes: the first lesson not done yet (None when all are done)."""
    return next((lesson["id"] for lesson in lessons if lesson["id"] not in done), None)


def check_lesson_order(lessons, done, lesson_id):
    """Lessons are followed in order: refuse a lesson while an earlier one is not done."""
    for lesson in lessons:
        if lesson["id"] == lesson_id:
            return
        if lesson["id"] not in done:
            raise RuleViolation(_l("Finish the earlier lessons first."))
