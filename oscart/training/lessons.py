"""Authoring a course's content: lessons per language and uploaded images (the knowledge check: quiz_bank)."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, exists, func, select, update
from sqlalchemy.exc import IntegrityError

from oscart.audit.services import record_event
from oscart.core.database import prepared, utcnow
from oscart.core.exceptions import Conflict, NotFound, RuleViolation
from oscart.core.extensions import db
from oscart.core.i18n import is_language
from oscart.training.content import IMAGE_URL_PREFIX, process_image, render_markdown
from oscart.training.media import discard_files_of
from oscart.training.models import (
    LESSON_KINDS,
    PUBLISHED,
    TEXT_LESSON,
    Course,
    Enrolment,
    Lesson,
    LessonImage,
    LessonTranslation,
)
from oscart.training.visibility import visible_to_company_clause


def get_lesson(course, lesson_id):
    lesson = db.session.scalar(select(Lesson).where(Lesson.id == lesson_id, Lesson.course_id == course.id))
    if lesson is None:
        raise NotFound()
    return lesson


def lesson_kinds(course):
    """{lesson id: kind} of a course's lessons."""
    return dict(db.session.execute(select(Lesson.id, Lesson.kind).where(Lesson.course_id == course.id)).all())


def lesson_translations(lesson):
    """{language: LessonTranslation} of one lesson."""
    rows = db.session.scalars(_translations_statement(), {"lesson_id": lesson.id})
    return {row.language: row for row in rows}


@prepared
def _translations_statement():
    return select(LessonTranslation).where(LessonTranslation.lesson_id == bindparam("lesson_id"))


def add_lesson(course, *, actor, title, body_source="", kind=TEXT_LESSON):
    """Append a lesson of ``kind`` (text, video or document), written in the course's default language."""
    if kind not in LESSON_KINDS:
        raise RuleViolation(_l("Choose one of the offered kinds of lesson."), "kind")
    last = db.session.scalar(select(func.max(Lesson.position)).where(Lesson.course_id == course.id)) or 0
    lesson = Lesson(course_id=course.id, position=last + 1, kind=kind)
    db.session.add(lesson)
    db.session.flush()
    record_event("training.lesson_added", actor=actor, company_id=course.owner_company_id,
                 target=f"lesson:{lesson.id}", course_id=course.id, kind=kind)
    save_lesson_translation(lesson, actor=actor, language=course.default_language, title=title,
                            body_source=body_source, course=course)
    return lesson


class LessonConflict(Conflict):
    """Someone saved the lesson in this language after the editor loaded it; nothing was written. ``current``
    is the translation as it is now (None: removed)."""

    def __init__(self, message, current):
        super().__init__(message)
        self.current = current


NEW = "new"


def lesson_version(translation):
    """The token the lesson editor posts back: when the text it shows was saved, or NEW before the first save."""
    return translation.updated_at.isoformat() if translation is not None else NEW


def save_lesson_translation(lesson, *, actor, language, title, body_source, course=None, version=None):
    """Store the Markdown as written and the HTML sanitised with nh3.

    ``version``: what lesson_version() gave the editor; when someone saved this language since, LessonConflict
    and nothing is written (an UPDATE that holds only if the row is still as loaded, so two saves cannot both win).
    """
    if not is_language(language):
        raise NotFound()
    translation = db.session.scalar(select(LessonTranslation).where(LessonTranslation.lesson_id == lesson.id,
                                                                    LessonTranslation.language == language))
    values = {"title": title.strip(), "body_source": body_source or "", "body_html": render_markdown(body_source)}
    if version is not None and version != lesson_version(translation):
        raise _conflict(translation)
    if translation is None:
        translation = LessonTranslation(lesson_id=lesson.id, language=language, **values)
        db.session.add(translation)
        try:
            with db.session.begin_nested():
                db.session.flush()
        except IntegrityError:  # the same language written at the same moment by someone else
            raise _conflict(None) from None
    else:
        unchanged = () if version is None else (LessonTranslation.updated_at == translation.updated_at,)
        changed = db.session.execute(
            update(LessonTranslation).where(LessonTranslation.id == translation.id, *unchanged)
            .values(**values, updated_at=utcnow()).execution_options(synchronize_session=False)).rowcount
        if not changed:
            raise _conflict(translation)
        db.session.refresh(translation)
    record_event("training.lesson_saved", actor=actor, company_id=_company_of(lesson, course),
                 target=f"lesson:{lesson.id}", language=language)
    return translation


def _conflict(translation):
    return LessonConflict(_l("Someone else saved this lesson after you opened it. Nothing was saved: what you typed "
                             "is still below, and the lesson as it is now is listed; save again to replace it."),
                          current=translation)


def _company_of(lesson, course):
    if course is None:
        course = db.session.get(Course, lesson.course_id)
    return course.owner_company_id


def preview_html(body_source):
    """What the learner's page would show for this Markdown; nothing is stored."""
    return render_markdown(body_source)


def move_lesson(course, lesson, *, actor, offset=1, to=None):
    """Swap the lesson with its neighbour before (offset -1) or after (+1), or move it to position ``to``
    (1-based, as dragged there; a position beyond either end means that end)."""
    lessons = db.session.scalars(select(Lesson).where(Lesson.course_id == course.id)
                                 .order_by(Lesson.position, Lesson.id)).all()
    index = lessons.index(lesson)
    if to is not None:
        lessons.insert(min(max(to, 1), len(lessons)) - 1, lessons.pop(index))
    elif 0 <= index + offset < len(lessons):
        lessons[index], lessons[index + offset] = lessons[index + offset], lessons[index]
    for position, item in enumerate(lessons, start=1):
        item.position = position
    db.session.flush()
    record_event("training.lesson_moved", actor=actor, company_id=course.owner_company_id,
                 target=f"lesson:{lesson.id}", position=lesson.position)


def delete_lesson(course, lesson, *, actor):
    """Lessons of a course someone follows stay, so that progress keeps its meaning."""
    if db.session.scalar(select(exists().where(Enrolment.course_id == course.id))):
        raise RuleViolation(_l("People are enrolled in this course: its lessons can no longer be removed."))
    discard_files_of([lesson.id])
    db.session.execute(LessonTranslation.__table__.delete().where(LessonTranslation.lesson_id == lesson.id))
    db.session.delete(lesson)
    db.session.flush()
    record_event("training.lesson_removed", actor=actor, company_id=course.owner_company_id,
                 target=f"lesson:{lesson.id}", course_id=course.id)


# --- Images ---------------------------------------------------------------------------------------

def upload_image(course, *, actor, data, max_bytes):
    encoded, content_type, width, height, digest = process_image(data, max_bytes=max_bytes)
    image = LessonImage(course_id=course.id, content_type=content_type, width=width, height=height,
                        data=encoded, sha256=digest, uploaded_by_id=actor.id)
    db.session.add(image)
    db.session.flush()
    record_event("training.image_uploaded", actor=actor, company_id=course.owner_company_id,
                 target=f"course:{course.id}", image_id=image.id, width=width, height=height)
    return image


def list_images(course):
    return db.session.execute(select(LessonImage.id, LessonImage.width, LessonImage.height, LessonImage.uploaded_at)
                              .where(LessonImage.course_id == course.id).order_by(LessonImage.id)).all()


def image_url(image_id):
    return f"{IMAGE_URL_PREFIX}{image_id}"


def get_image_for(actor, image_id, *, manageable):
    """An image of a course the actor sees in the catalogue (any status when the actor may manage it)."""
    visible = (Course.status == PUBLISHED) & visible_to_company_clause(actor.company_id)
    condition = visible | manageable if manageable is not None else visible
    row = db.session.execute(select(LessonImage.content_type, LessonImage.data, LessonImage.sha256)
                             .join(Course, Course.id == LessonImage.course_id)
                             .where(LessonImage.id == image_id, condition)).one_or_none()
    if row is None:
        raise NotFound()
    return row
