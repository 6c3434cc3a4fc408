"""What a trainee does: browse the catalogue, open a course in the best language, enrol, follow lessons.

Every read is scoped by the visibility rule, so another company's course answers NotFound like a missing one.
"""

from collections import namedtuple

from flask_babel import lazy_gettext as _l
from sqlalchemy import Integer, and_, bindparam, exists, func, or_, select

from oscart.audit.services import record_event
from oscart.core.database import LIKE_ESCAPE, contains_pattern, prepared, rows, utcnow
from oscart.core.exceptions import NotFound, RuleViolation
from oscart.core.extensions import db
from oscart.core.i18n import content_language_chain, fold_for_search, pick_translation
from oscart.core.locking import lock
from oscart.training.completion import update_completion
from oscart.training.languages import LanguagePreference
from oscart.training.models import (
    ARCHIVED,
    BLENDED,
    COMPLETED,
    ELEARNING,
    PUBLISHED,
    RULE_LESSONS_QUIZ,
    Course,
    CourseTranslation,
    Enrolment,
    Lesson,
    LessonProgress,
    LessonTranslation,
)
from oscart.training.quiz_models import QuizAttempt
from oscart.training.visibility import visible_to_company_clause

SELF_ENROL_FORMATS = (ELEARNING, BLENDED)


def preferred_languages(user, chosen=None):
    """Content-language preference: an explicit choice, the user's language, the company default."""
    return LanguagePreference(user, chosen)


def list_catalogue(actor, *, search=None, format=None, language=None):
    """(statement, params): rows of published courses the actor may see, with the actor's enrolment status."""
    params = {"user_id": actor.id}
    if actor.company_id is not None:
        params["company_id"] = actor.company_id
    if format:
        params["format"] = format
    if language:
        params["language"] = language
    words = (search or "").split()[:5]
    for index, word in enumerate(words):
        params[f"word_{index}"] = contains_pattern(fold_for_search(word))
    return _catalogue_statement(actor.company_id is None, bool(format), bool(language), len(words)), params


@prepared
def _catalogue_statement(for_staff, by_format, by_language, words):
    query = (
        select(Course.id, Course.code, Course.format, Course.duration_hours, Course.default_language,
               Enrolment.status.label("enrolment_status"), Enrolment.progress_percent)
        .outerjoin(Enrolment, and_(Enrolment.course_id == Course.id, Enrolment.user_id == bindparam("user_id")))
        .where(Course.status == PUBLISHED,
               visible_to_company_clause(None if for_staff else bindparam("company_id")))
        .order_by(Course.code)
    )
    if by_format:
        query = query.where(Course.format == bindparam("format"))
    if by_language:
        query = query.where(exists().where(CourseTranslation.course_id == Course.id,
                                           CourseTranslation.language == bindparam("language")))
    for index in range(words):
        pattern = bindparam(f"word_{index}")
        query = query.where(or_(func.lower(Course.code).like(pattern, escape=LIKE_ESCAPE), exists().where(
            CourseTranslation.course_id == Course.id, CourseTranslation.search_text.like(pattern, escape=LIKE_ESCAPE))))
    return query


def with_course_texts(page):
    """paginate() ``expand`` for the catalogue: each course of the page once per language it has a text in."""
    return (select(page, CourseTranslation.course_id, CourseTranslation.language, CourseTranslation.title,
                   CourseTranslation.summary)
            .outerjoin(CourseTranslation, CourseTranslation.course_id == page.c.id)
            .order_by(page.c.code, page.c.id))


# One course of a catalogue page, in the language picked for the trainee (a named tuple: templates read its
# fields by attribute, which a dict answers only after a failed getattr).
CatalogueCard = namedtuple("CatalogueCard", "id code format duration_hours title summary languages enrolment_status "
                                            "progress_percent")


def catalogue_cards(found, preferred):
    """The CatalogueCard of each course of a with_course_texts page, in order."""
    courses = first_row_per_id(found)
    texts = pick_course_texts(found, {row.id: row.default_language for row in courses}, preferred)
    cards = []
    for row in courses:
        text, languages = texts.get(row.id, (None, ()))
        cards.append(CatalogueCard(row.id, row.code, row.format, row.duration_hours,
                                   text.title if text else row.code, text.summary if text else None,
                                   tuple(languages), row.enrolment_status, row.progress_percent))
    return cards


def first_row_per_id(found):
    """The first row of each ``id``, in order: rows joined with their texts repeat once per language."""
    first = {}
    for row in found:
        first.setdefault(row.id, row)
    return list(first.values())


def course_texts(default_languages, preferred):
    """{course id: (chosen translation row, [available languages])} in one query.

    ``default_languages`` maps each course id to the course's default language.
    """
    if not default_languages:
        return {}
    return pick_course_texts(rows(_texts_statement(), {"course_ids": list(default_languages)}), default_languages,
                             preferred)


def pick_course_texts(found, default_languages, preferred):
    """course_texts() from rows already read: ``found`` rows have course_id, language (None when the course has
    no translation) and the text columns."""
    by_course = {}
    for row in found:
        if row.language is not None:
            by_course.setdefault(row.course_id, {})[row.language] = row
    result = {}
    for course_id, translations in by_course.items():
        language = preferred.pick(translations, default_languages[course_id])
        result[course_id] = (translations[language], ordered_languages(translations))
    return result


@prepared
def _texts_statement():
    return select(CourseTranslation.course_id, CourseTranslation.language, CourseTranslation.title,
                  CourseTranslation.summary).where(CourseTranslation.course_id.in_(bindparam("course_ids",
                                                                                            expanding=True)))


def ordered_languages(available):
    return [code for code in content_language_chain() if code in available]


def get_visible_course(actor, course_id):
    """A published course the actor may see, or an archived one the actor follows (history stays reachable)."""
    params = {"course_id": course_id, "user_id": actor.id, "company_id": actor.company_id}
    course = db.session.scalar(visible_course_statement(actor.company_id is None), params)
    if course is None:
        raise NotFound()
    return course


@prepared
def visible_course_statement(for_staff):
    """The visibility rule of get_visible_course() as a statement (parameters course_id, user_id, company_id)."""
    followed = exists().where(Enrolment.course_id == Course.id, Enrolment.user_id == bindparam("user_id"))
    return select(Course).where(
        Course.id == bindparam("course_id"), visible_to_company_clause(None if for_staff else bindparam("company_id")),
        or_(Course.status == PUBLISHED, and_(Course.status == ARCHIVED, followed)))


def choose_translation(translations, preferred, course):
    """(translation, fell_back) following user → company → course default → any."""
    by_language = {t.language: t for t in translations}
    language = preferred.pick(by_language, course.default_language)
    if language is None:
        return None, False
    wanted = preferred.wanted or course.default_language
    return by_language[language], language != wanted


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


def is_overdue(status, due_at, now):
    """A due date has passed and the course is not completed (dashboard and course page)."""
    return status != COMPLETED and due_at is not None and due_at < now


def next_lesson_id(lessons, done):
    """Where the trainee resumes: the first lesson not done yet (None when all are done)."""
    return next((lesson["id"] for lesson in lessons if lesson["id"] not in done), None)


def enrol(actor, course_id):
    """Enrol the actor in a visible e-learning or blended course; enrolling twice returns the same one."""
    course = get_visible_course(actor, course_id)
    if course.status != PUBLISHED:
        raise NotFound()
    if course.format not in SELF_ENROL_FORMATS:
        raise RuleViolation(_l("You register for this course through a classroom session."))
    lock(course)  # two clicks at once enrol once
    enrolment = db.session.scalar(select(Enrolment).where(Enrolment.course_id == course.id,
                                                          Enrolment.user_id == actor.id))
    if enrolment is None:
        enrolment = Enrolment(user_id=actor.id, course_id=course.id)
        db.session.add(enrolment)
        db.session.flush()
        record_event("training.enrolled", actor=actor, subject=actor, target=f"course:{course.id}")
    return enrolment


def get_own_enrolment(actor, enrolment_id):
    """The actor's own enrolment; another user's id is NotFound, like a missing one."""
    enrolment = db.session.scalar(select(Enrolment).where(Enrolment.id == enrolment_id,
                                                          Enrolment.user_id == actor.id))
    if enrolment is None:
        raise NotFound()
    return enrolment


def check_lesson_order(lessons, done, lesson_id):
    """Lessons are followed in order: refuse a lesson while an earlier one is not done."""
    for lesson in lessons:
        if lesson["id"] == lesson_id:
            return
        if lesson["id"] not in done:
            raise RuleViolation(_l("Finish the earlier lessons first."))


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
