"""The course page: the course with its texts, lessons, knowledge check and the trainee's own state, in one
query."""

from datetime import timedelta
from types import SimpleNamespace

from sqlalchemy import Integer, and_, bindparam, case, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from oscart.core.database import SelectsInOne, prepared, utcnow
from oscart.core.exceptions import NotFound
from oscart.core.extensions import db
from oscart.training.course_lessons import lessons_from_rows, lessons_part, next_lesson_id
from oscart.training.enrolling import is_overdue
from oscart.training.models import COMPLETED, Course, CourseTranslation, CourseView, Enrolment
from oscart.training.quiz_models import Quiz, QuizAttempt
from oscart.training.quizzes import next_attempt_at
from oscart.training.texts import choose_translation, ordered_languages
from oscart.training.visibility import visible_course_statement

VIEW_RECORD_INTERVAL = timedelta(hours=1)


def load_course_page(actor, course_id, preferred):
    """Everything the course page shows, in one query; NotFound for a course the actor may not see."""
    parts = _course_page_statement(actor.company_id is None).rows(
        {"course_id": course_id, "user_id": actor.id, "company_id": actor.company_id})
    found = parts["course"]
    if not found:
        raise NotFound()
    course = found[0]  # one row per language of the course; the course's own columns repeat
    quiz = None
    if course.quiz_id is not None:
        quiz = {"id": course.quiz_id, "pass_percent": course.pass_percent, "max_attempts": course.max_attempts}
    translations = [row for row in found if row.language is not None]
    translation, fell_back = choose_translation(translations, preferred, course)
    language = translation.language if translation else course.default_language
    enrolment = _enrolment(course)
    lessons, done = lessons_from_rows(parts["lessons"], [language, course.default_language])
    quiz_state = None
    if quiz is not None and enrolment is not None:
        wait_until = next_attempt_at(SimpleNamespace(wait_minutes=course.wait_minutes), course.last_at)
        quiz_state = {"attempts": course.attempts or 0, "best": course.best, "passed": bool(course.passed),
                      "last_attempt_id": course.last_id,
                      "next_at": wait_until if wait_until and wait_until > utcnow() else None}
    return {"course": course, "translation": translation, "fell_back": fell_back,
            "languages": ordered_languages({t.language for t in translations}), "lessons": lessons,
            "enrolment": enrolment, "done": done, "next_lesson_id": next_lesson_id(lessons, done),
            "quiz": quiz, "quiz_state": quiz_state, "viewed_at": course.viewed_at}


def _enrolment(row):
    if row.enrolment_id is None:
        return None
    return SimpleNamespace(id=row.enrolment_id, status=row.enrolment_status, progress_percent=row.progress_percent,
                           due_at=row.due_at, completed_at=row.completed_at,
                           is_completed=row.enrolment_status == COMPLETED,
                           is_overdue=is_overdue(row.enrolment_status, row.due_at, utcnow()))


@prepared
def _course_page_statement(for_staff):
    return SelectsInOne(course=(_course_statement(for_staff), (CourseTranslation.language,)), lessons=lessons_part())


def _course_statement(for_staff):
    # The course as get_visible_course() finds it, read as the few columns the page shows, with: its texts (a row
    # per language), its knowledge check, the actor's enrolment and attempts, and when the actor last opened it.
    user_id, course_id = bindparam("user_id"), bindparam("course_id")
    own = aliased(Enrolment, name="own_enrolment")  # apart from the Enrolment of the visibility rule
    attempts = (select(QuizAttempt.quiz_id, func.count(QuizAttempt.submitted_at).label("attempts"),
                       func.max(QuizAttempt.score_percent).label("best"),
                       func.max(QuizAttempt.is_passed.cast(Integer)).label("passed"),
                       func.max(QuizAttempt.submitted_at).label("last_at"),
                       func.max(case((QuizAttempt.submitted_at.is_not(None), QuizAttempt.id))).label("last_id"))
                .join(Enrolment, Enrolment.id == QuizAttempt.enrolment_id)
                .where(Enrolment.user_id == user_id, Enrolment.course_id == course_id)
                .group_by(QuizAttempt.quiz_id).subquery())
    viewed_at = (select(CourseView.viewed_at)
                 .where(CourseView.user_id == user_id, CourseView.course_id == Course.id).scalar_subquery())
    return (visible_course_statement(for_staff)
            .with_only_columns(Course.id, Course.code, Course.format, Course.duration_hours, Course.default_language,
                               CourseTranslation.language, CourseTranslation.title, CourseTranslation.summary,
                               CourseTranslation.description, CourseTranslation.objectives,
                               Quiz.id.label("quiz_id"), Quiz.pass_percent, Quiz.max_attempts, Quiz.wait_minutes,
                               viewed_at.label("viewed_at"), attempts.c.attempts, attempts.c.best,
                               attempts.c.passed, attempts.c.last_at, attempts.c.last_id,
                               own.id.label("enrolment_id"), own.status.label("enrolment_status"),
                               own.progress_percent, own.due_at, own.completed_at)
            .select_from(Course)
            .outerjoin(CourseTranslation, CourseTranslation.course_id == Course.id)
            .outerjoin(Quiz, Quiz.course_id == Course.id)
            .outerjoin(attempts, attempts.c.quiz_id == Quiz.id)
            .outerjoin(own, and_(own.course_id == Course.id, own.user_id == user_id)))


def record_course_view(actor, course, viewed_at, *, now=None):
    """Remember when the user last opened the course page (``viewed_at``: the time on record, or None);
    written at most once an hour per course. True when something was written."""
    now = now or utcnow()
    if viewed_at is None:
        try:
            with db.session.begin_nested():
                db.session.add(CourseView(user_id=actor.id, course_id=course.id, viewed_at=now))
        except IntegrityError:
            pass  # a parallel request of the same user recorded the view first
        return True
    if viewed_at < now - VIEW_RECORD_INTERVAL:
        db.session.execute(_touch_view_statement(), {"viewer_id": actor.id, "viewed_course_id": course.id,
                                                     "now": now})
        return True
    return False


@prepared
def _touch_view_statement():
    return (update(CourseView).where(CourseView.user_id == bindparam("viewer_id"),
                                     CourseView.course_id == bindparam("viewed_course_id"))
            .values(viewed_at=bindparam("now", type_=CourseView.viewed_at.type)))
