"""The lesson page: one lesson of a visible course in every language it has, with the course's lessons and the
trainee's progress, in one query."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, bindparam, select
from sqlalchemy.orm import aliased

from oscart.core.database import SelectsInOne, prepared
from oscart.core.exceptions import NotFound, RuleViolation
from oscart.core.extensions import db
from oscart.training.course_lessons import check_lesson_order, lessons_from_rows, lessons_part
from oscart.training.media_models import CAPTIONS, LessonMedia
from oscart.training.models import TEXT_LESSON, Course, Enrolment, Lesson, LessonTranslation
from oscart.training.texts import choose_translation, ordered_languages
from oscart.training.visibility import visible_course_statement


def load_lesson_page(actor, course_id, lesson_id, preferred):
    """What the lesson page shows. NotFound for a lesson the actor may not see; RuleViolation when the actor is not
    enrolled in the course or has not done the lessons before this one."""
    found = _lesson_page_statement(actor.company_id is None).rows(
        {"course_id": course_id, "lesson_id": lesson_id, "user_id": actor.id, "company_id": actor.company_id})
    if not found["lesson"]:
        raise NotFound()
    course = found["lesson"][0]  # one row per language of the lesson; the course's columns repeat
    if course.enrolment_id is None:
        raise RuleViolation(_l("Enrol in the course first."))
    lessons, done = lessons_from_rows(found["lessons"], [*preferred.first, course.default_language])
    check_lesson_order(lessons, done, lesson_id)
    translations = {row.language: row for row in found["lesson"] if row.language is not None}
    translation, fell_back = choose_translation(translations.values(), preferred, course)
    page = {"course": course, "lesson_id": lesson_id, "enrolment_id": course.enrolment_id, "lessons": lessons,
            "done": done, "translation": translation, "fell_back": fell_back, "kind": course.kind,
            "languages": ordered_languages(translations), "media": None, "captions": [],
            "media_language": None, "caption_language": None}
    if course.kind != TEXT_LESSON:
        page.update(_media_of(lesson_id, course.kind, preferred, course, translation))
    return page


def _media_of(lesson_id, kind, preferred, course, translation):
    """The lesson's file (video or document) in the best language, like its text: the text's language when the
    file exists in it, else along the same fallback chain; and the captions of every language."""
    found = db.session.execute(select(LessonMedia.id, LessonMedia.language, LessonMedia.role,
                                      LessonMedia.content_type, LessonMedia.size_bytes)
                               .where(LessonMedia.lesson_id == lesson_id)).all()
    files = {row.language: row for row in found if row.role == kind}
    captions = sorted((row for row in found if row.role == CAPTIONS), key=lambda row: row.language)
    language = translation.language if translation is not None and translation.language in files else \
        preferred.pick(files, course.default_language)
    if language is None:
        return {"captions": captions}
    wanted = preferred.wanted or course.default_language
    caption_languages = {row.language for row in captions}
    return {"media": files[language], "captions": captions, "fell_back": language != wanted,
            "media_language": language, "caption_language": wanted if wanted in caption_languages else language}


@prepared
def _lesson_page_statement(for_staff):
    own = aliased(Enrolment, name="own_enrolment")  # apart from the Enrolment of the visibility rule
    # The course as get_visible_course() finds it, with the lesson (a row per language) and the actor's enrolment.
    lesson = (visible_course_statement(for_staff)
              .with_only_columns(Course.id, Course.default_language, Lesson.kind, LessonTranslation.language,
                                 LessonTranslation.title, LessonTranslation.body_html, own.id.label("enrolment_id"))
              .select_from(Course)
              .join(Lesson, and_(Lesson.course_id == Course.id, Lesson.id == bindparam("lesson_id")))
              .outerjoin(LessonTranslation, LessonTranslation.lesson_id == Lesson.id)
              .outerjoin(own, and_(own.course_id == Course.id, own.user_id == bindparam("user_id"))))
    return SelectsInOne(lesson=(lesson, (LessonTranslation.language,)), lessons=lessons_part())
