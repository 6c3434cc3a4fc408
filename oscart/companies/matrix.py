"""The training matrix: which of the company's employees follow which course, and how far they got."""

from collections import namedtuple

from flask_babel import gettext as _
from sqlalchemy import bindparam, func, select

from oscart.accounts.models import User
from oscart.classroom.exports import BATCH
from oscart.classroom.services import BRUSSELS
from oscart.companies.services import list_employees, visible_employees
from oscart.database import prepared, rows, utcnow
from oscart.extensions import db
from oscart.pagination import paginate
from oscart.training.models import COMPLETED, Course, CourseTranslation, Enrolment
from oscart.training.services import first_row_per_id, is_overdue, pick_course_texts

MATRIX_COLUMNS = 10  # the most followed courses; the course filter shows any other alone

# Templates read these by attribute (a named tuple answers at once, a dict only after a failed getattr).
MatrixCourse = namedtuple("MatrixCourse", "id title people")
MatrixCell = namedtuple("MatrixCell", "is_completed progress_percent due_at completed_at is_overdue")


def load_matrix(actor, preferred, *, search=None, course_id=None, page_number=1, now=None):
    """The page of employees (filtered by ``search``) against the columns: the course ``course_id`` if the
    company follows it, else the MATRIX_COLUMNS most followed courses. Four queries whatever the company's size."""
    courses = followed_courses(actor, preferred)
    shown = [course for course in courses if course.id == course_id] if course_id else courses[:MATRIX_COLUMNS]
    page = paginate(list_employees(actor, search=search), page_number)
    cells = matrix_cells([row.id for row in page.items], [course.id for course in shown], now=now)
    return {"courses": courses, "shown": shown, "page": page, "cells": cells}


def followed_courses(actor, preferred):
    """[MatrixCourse] of the courses the company's employees are enrolled in, the most followed first, titled by
    the reader's language preference (one query)."""
    found = rows(_followed_statement(), {"company_id": actor.company_id})
    courses = first_row_per_id(found)
    texts = pick_course_texts(found, {row.id: row.default_language for row in courses}, preferred)
    return [MatrixCourse(row.id, texts[row.id][0].title if row.id in texts else row.code, row.people)
            for row in courses]


def matrix_cells(user_ids, course_ids, *, now=None):
    """{(user id, course id): MatrixCell} of the enrolments of these employees in these courses (one query)."""
    if not user_ids or not course_ids:
        return {}
    now = now or utcnow()
    found = rows(_cells_statement(), {"user_ids": user_ids, "course_ids": course_ids})
    return {(row.user_id, row.course_id): MatrixCell(row.status == COMPLETED, row.progress_percent, row.due_at,
                                                     row.completed_at, is_overdue(row.status, row.due_at, now))
            for row in found}


@prepared
def _followed_statement():
    followed = (select(Enrolment.course_id, func.count().label("people"))
                .join(User, User.id == Enrolment.user_id)
                .where(User.company_id == bindparam("company_id"), *visible_employees())
                .group_by(Enrolment.course_id).subquery())
    # One row per course and title language, so the titles come with the courses.
    return (select(Course.id, Course.id.label("course_id"), Course.code, Course.default_language, followed.c.people,
                   CourseTranslation.language, CourseTranslation.title)
            .join(followed, followed.c.course_id == Course.id)
            .outerjoin(CourseTranslation, CourseTranslation.course_id == Course.id)
            .order_by(followed.c.people.desc(), Course.code, Course.id))


@prepared
def _cells_statement():
    return (select(Enrolment.user_id, Enrolment.course_id, Enrolment.status, Enrolment.progress_percent,
                   Enrolment.due_at, Enrolment.completed_at)
            .where(Enrolment.user_id.in_(bindparam("user_ids", expanding=True)),
                   Enrolment.course_id.in_(bindparam("course_ids", expanding=True))))


def matrix_header():
    return [_("Last name"), _("First name"), _("E-mail address"), _("Code"), _("Course"), _("Status"),
            _("Progress (%)"), _("Due date"), _("Completed on")]


def matrix_rows(actor, preferred):
    """The whole matrix for an export, one row per employee and course followed, reading the enrolments in
    batches (flat memory); titles in the reader's language."""
    titles = {course.id: course.title for course in followed_courses(actor, preferred)}
    labels = {True: _("Completed"), False: _("In progress")}
    result = db.session.execute(_export_statement().execution_options(yield_per=BATCH),
                                {"company_id": actor.company_id})
    for row in result:
        yield (row.last_name, row.first_name, row.email, row.code, titles.get(row.course_id, row.code),
               labels[row.status == COMPLETED], row.progress_percent, _day(row.due_at), _day(row.completed_at))


def _day(moment):
    return moment.astimezone(BRUSSELS).date().isoformat() if moment else ""


@prepared
def _export_statement():
    return (select(User.last_name, User.first_name, User.email, Course.code, Enrolment.course_id, Enrolment.status,
                   Enrolment.progress_percent, Enrolment.due_at, Enrolment.completed_at)
            .join(Enrolment, Enrolment.user_id == User.id)
            .join(Course, Course.id == Enrolment.course_id)
            .where(User.company_id == bindparam("company_id"), *visible_employees())
            .order_by(User.last_name, User.first_name, User.id, Course.code))
