"""Authoring courses: settings, translations side by side, publication. Scoped to what the actor may manage:
Oscart staff manage Oscart's courses, a company admin only the own company's courses."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, column, delete, exists, func, or_, select, table

from oscart.audit.services import record_event
from oscart.companies.models import Company
from oscart.core.database import prepared, rows, utcnow
from oscart.core.exceptions import NotFound, PermissionDenied, RuleViolation
from oscart.core.extensions import db
from oscart.core.i18n import LANGUAGES, is_language
from oscart.core.security import can
from oscart.training.media import discard_files_of
from oscart.training.models import (
    ARCHIVED,
    COMPLETION_RULES,
    DRAFT,
    FORMATS,
    PUBLISHED,
    Course,
    CourseCompany,
    CourseTranslation,
    Enrolment,
    Lesson,
    LessonTranslation,
)
from oscart.training.publishing import lessons_lacking_files, publish_checklist

MISSING, OUTDATED, CURRENT = "missing", "outdated", "current"


def manageable_clause(actor):
    if can(actor, "training.author"):
        return Course.owner_company_id.is_(None)
    if can(actor, "company.author") and actor.company_id is not None:
        return Course.owner_company_id == actor.company_id
    raise PermissionDenied()


def list_managed_courses(actor):
    """Rows of the courses the actor manages, with the title in the default language and enrolment count."""
    title = (select(CourseTranslation.title).where(CourseTranslation.course_id == Course.id,
                                                   CourseTranslation.language == Course.default_language)
             .scalar_subquery())
    enrolled = select(func.count(Enrolment.id)).where(Enrolment.course_id == Course.id).scalar_subquery()
    return (select(Course.id, Course.code, Course.format, Course.status, Course.is_global,
                   title.label("title"), enrolled.label("enrolled"))
            .where(manageable_clause(actor)).order_by(Course.code))


def get_managed_course(actor, course_id):
    manageable_clause(actor)  # PermissionDenied for anyone who authors no courses
    course = db.session.scalar(_managed_course_statement(can(actor, "training.author")),
                               {"course_id": course_id, "company_id": actor.company_id})
    if course is None:
        raise NotFound()
    return course


@prepared
def _managed_course_statement(is_staff):
    owner = Course.owner_company_id
    return select(Course).where(Course.id == bindparam("course_id"),
                                owner.is_(None) if is_staff else owner == bindparam("company_id"))


def save_course(course, *, actor, code, format, duration_hours, validity_months, completion_rule,
                default_language, is_global=False, company_ids=()):
    """Create (course None) or update a course's settings; a company admin's course stays the company's own."""
    manageable_clause(actor)
    code = code.strip().upper()
    if format not in FORMATS:
        raise RuleViolation(_l("Choose one of the offered formats."), "format")
    if completion_rule not in COMPLETION_RULES:
        raise RuleViolation(_l("Choose one of the offered completion rules."), "completion_rule")
    if not is_language(default_language):
        raise RuleViolation(_l("Choose one of the offered languages."), "default_language")
    taken = select(exists().where(Course.code == code, Course.id != (course.id if course else None)))
    if db.session.scalar(taken):
        raise RuleViolation(_l("Another course already uses this code."), "code")
    if course is None:
        course = Course(created_by_id=actor.id, status=DRAFT)
        db.session.add(course)
        if not can(actor, "training.author"):
            course.owner_company_id = actor.company_id
    course.code, course.format, course.duration_hours = code, format, duration_hours
    course.validity_months, course.completion_rule = validity_months, completion_rule
    course.default_language = default_language
    if course.owner_company_id is None:
        course.is_global = bool(is_global)
        db.session.flush()
        _set_companies(course, [] if is_global else company_ids)
    else:
        course.is_global = False
    db.session.flush()
    return course


def _set_companies(course, company_ids):
    wanted = set(db.session.scalars(select(Company.id).where(Company.id.in_(list(company_ids)))))
    current = set(db.session.scalars(select(CourseCompany.company_id).where(CourseCompany.course_id == course.id)))
    for company_id in wanted - current:
        db.session.add(CourseCompany(course_id=course.id, company_id=company_id))
    if current - wanted:
        db.session.execute(delete(CourseCompany).where(CourseCompany.course_id == course.id,
                                                       CourseCompany.company_id.in_(current - wanted)))


def course_company_ids(course):
    return list(db.session.scalars(select(CourseCompany.company_id).where(CourseCompany.course_id == course.id)))


def save_course_translation(course, *, actor, language, title, summary):
    if not is_language(language):
        raise NotFound()
    translation = db.session.scalar(select(CourseTranslation).where(CourseTranslation.course_id == course.id,
                                                                    CourseTranslation.language == language))
    if translation is None:
        translation = CourseTranslation(course_id=course.id, language=language)
        db.session.add(translation)
    translation.title, translation.summary = title.strip(), summary.strip()
    db.session.flush()
    return translation


def _status(source_at, target_at):
    if target_at is None:
        return MISSING
    if source_at is not None and target_at < source_at:
        return OUTDATED
    return CURRENT


def translation_matrix(course, course_rows=None):
    """For the side-by-side editor: per language the status of the course texts and of each lesson
    (missing, or older than the text in the course's default language), and per lesson ``files_missing``: the
    languages in which a video or document lesson has no video or PDF (the publishing checklist's query).
    ``course_rows``: {language: updated_at} of the course texts when the caller has read them already."""
    if course_rows is None:
        course_rows = dict(rows(_course_dates_statement(), {"course_id": course.id}))
    lesson_rows = rows(_lesson_dates_statement(), {"course_id": course.id})
    lessons = {}
    for row in lesson_rows:
        entry = lessons.setdefault(row.id, {"id": row.id, "position": row.position, "titles": {}, "at": {}})
        if row.language:
            entry["titles"][row.language], entry["at"][row.language] = row.title, row.updated_at
    lacking = lessons_lacking_files(course.id, LANGUAGES)[2]
    source = course.default_language
    course_status = {code: _status(course_rows.get(source), course_rows.get(code)) for code in LANGUAGES}
    for entry in lessons.values():
        entry["status"] = {code: _status(entry["at"].get(source), entry["at"].get(code)) for code in LANGUAGES}
        entry["title"] = entry["titles"].get(source) or next(iter(entry["titles"].values()), "")
        entry["files_missing"] = lacking.get(entry["id"], [])
    return course_status, list(lessons.values())


@prepared
def _course_dates_statement():
    return (select(CourseTranslation.language, CourseTranslation.updated_at)
            .where(CourseTranslation.course_id == bindparam("course_id")))


@prepared
def _lesson_dates_statement():
    return (select(Lesson.id, Lesson.position, LessonTranslation.language, LessonTranslation.title,
                   LessonTranslation.updated_at)
            .outerjoin(LessonTranslation, LessonTranslation.lesson_id == Lesson.id)
            .where(Lesson.course_id == bindparam("course_id")).order_by(Lesson.position, Lesson.id))


def publish_course(course, *, actor, confirm_fallback=False, now=None):
    """Publish a draft: it needs a title in its default language, at least one lesson and, when the rule asks for
    the knowledge check, questions. A language offered to learners that misses lessons, a video or document
    lesson's file, or questions is shown in another language only when the author confirms that fallback
    (``confirm_fallback``)."""
    if course.status == PUBLISHED:
        return course
    checklist = publish_checklist(course)
    if checklist.blocking:
        raise RuleViolation(checklist.blocking[0])
    if checklist.fallbacks and not confirm_fallback:
        raise RuleViolation(_l("Some languages miss lessons, lesson files or questions (see the checklist). Complete "
                               "them, or confirm that learners get those parts in another language."),
                            "confirm_fallback")
    course.status, course.published_at = PUBLISHED, now or utcnow()
    record_event("training.published", actor=actor, company_id=course.owner_company_id,
                 target=f"course:{course.id}", code=course.code, fallback_languages=checklist.fallbacks)
    return course


def archive_course(course, *, actor):
    """Archived courses leave the catalogue; enrolments and their history stay."""
    if course.status != PUBLISHED:
        raise RuleViolation(_l("Only a published course can be archived."))
    course.status = ARCHIVED
    record_event("training.archived", actor=actor, company_id=course.owner_company_id,
                 target=f"course:{course.id}", code=course.code)
    return course


# Sessions and certificates of a course belong to the features above training; deleting a course only asks whether
# their tables hold a row of it, so it names those columns instead of importing their models.
SESSIONS = table("training_session", column("course_id"))
CERTIFICATES = table("certificate", column("course_id"))


def delete_course(course, *, actor):
    """Only a draft that nobody follows, with no session and no certificate, can be deleted; anything else is
    archived instead. Its texts, lessons, images, knowledge check, assignments and visits go with it: their
    foreign keys delete them (ON DELETE CASCADE). Its lessons' files go first, with the stored content that no
    other course uses."""
    in_use = select(or_(*(exists().where(course_id == course.id) for course_id in (
        Enrolment.course_id, SESSIONS.c.course_id, CERTIFICATES.c.course_id))))
    if course.status != DRAFT or db.session.scalar(in_use):
        raise RuleViolation(_l("Only a draft without enrolments, sessions or certificates can be deleted. "
                               "Archive the course instead."))
    record_event("training.deleted", actor=actor, company_id=course.owner_company_id,
                 target=f"course:{course.id}", code=course.code)
    discard_files_of(select(Lesson.id).where(Lesson.course_id == course.id))
    db.session.execute(delete(Course).where(Course.id == course.id).execution_options(synchronize_session=False))
