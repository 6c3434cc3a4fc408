"""The training matrix: which of the company's employees follow which course, and where each of them stands.

Paged on both axes (people, and the courses as columns); filtered by name, group, job role, course and a cell's
status; deactivated people only when asked. Three statements a page whatever the company's size, none of which
reads more than the page's people and cells: the column order comes from the counts kept in summary_count, the
cells and the status filter from matrix_cell (see oscart.assignments.cells and tracking).
"""

from collections import namedtuple
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select

from oscart.accounts.models import User
from oscart.accounts.search import person_matches
from oscart.assignments import cells
from oscart.assignments.counts import ALWAYS, FOLLOWED
from oscart.assignments.summary_models import SummaryCount
from oscart.classroom.exports import BATCH
from oscart.companies.models import Group, JobRole
from oscart.core.database import SelectsInOne, contains_pattern, prepared, rows
from oscart.core.extensions import db
from oscart.core.local_time import local_date
from oscart.core.pagination import Page, paginate
from oscart.training.models import Course
from oscart.training.titles import READER_COMPANY, READER_LANGUAGE, reader_title
from oscart.workspace import matrix_cells as mc

# What a laptop screen shows without scrolling much: 20 people down, 8 courses across.
PEOPLE_PER_PAGE = 20
COURSES_PER_PAGE = 8
STATUS_LABELS = {mc.NOT_STARTED: _l("Not started"), mc.BOOKED: _l("Registered"), mc.STARTED: _l("In progress"),
                 mc.DONE: _l("Completed"), mc.VALID: _l("Valid"), mc.EXPIRING: _l("Expiring"),
                 mc.EXPIRED: _l("Expired"), mc.OVERDUE: _l("Overdue")}

# Templates read these by attribute (a named tuple answers at once, a dict only after a failed getattr).
MatrixCourse = namedtuple("MatrixCourse", "id code title people")


@dataclass(frozen=True)
class MatrixFilters:
    """What the page and its exports show: ``None``/empty means no filter on that."""

    search: str = ""
    group_id: int | None = None
    job_role_id: int | None = None
    course_id: int | None = None
    status: str | None = None
    include_inactive: bool = False

    def shape(self):
        return (bool(self.search), self.group_id is not None, self.job_role_id is not None, bool(self.status),
                self.include_inactive)

    def params(self, actor):
        params = {"company_id": actor.company_id, **mc.moments()}
        if self.search:
            params["pattern"] = contains_pattern(self.search.strip().lower())
        if self.group_id is not None:
            params["group_id"] = self.group_id
        if self.job_role_id is not None:
            params["job_role_id"] = self.job_role_id
        if self.status:
            params["status"] = self.status
        if self.course_id:
            params["course_ids"] = [self.course_id]
        return params


def load_matrix(actor, preferred, filters, *, page_number=1, course_page=1):
    """The page of people against the page of course columns, with the filters' choices."""
    found = _menus_statement().rows(_menu_params(actor, preferred))
    courses = _titled(found["courses"])
    chosen = [course for course in courses if course.id == filters.course_id] if filters.course_id else courses
    columns = _course_page(chosen, course_page)
    params = filters.params(actor)
    page = paginate(_people_statement(*filters.shape(), bool(filters.course_id)), page_number, PEOPLE_PER_PAGE,
                    params=params)
    cells = matrix_cells([row.id for row in page.items], [course.id for course in columns.items], params)
    return {"courses": courses, "columns": columns, "shown": columns.items, "page": page, "cells": cells,
            "groups": [(row.id, row.name) for row in found["groups"]],
            "job_roles": [(row.id, row.name) for row in found["job_roles"]]}


def _course_page(courses, number):
    pages = max(1, -(-len(courses) // COURSES_PER_PAGE))
    number = max(1, min(number or 1, pages))
    start = (number - 1) * COURSES_PER_PAGE
    return Page(items=courses[start:start + COURSES_PER_PAGE], number=number, per_page=COURSES_PER_PAGE,
                total=len(courses))


def _titled(found):
    return [MatrixCourse(row.id, row.code, row.code if row.title is None else row.title, row.people)
            for row in found]


def _menu_params(actor, preferred):
    """The titles in the reader's language (``preferred``: preferred_languages(actor)), then the company's, the
    course's own, then any (oscart.training.titles follows the same chain in SQL, one title row per course)."""
    return {"company_id": actor.company_id, READER_LANGUAGE: preferred.wanted, READER_COMPANY: actor.company_id}


def followed_courses(actor, preferred):
    """[MatrixCourse] of the courses the company's people follow or booked, the most followed first (one query)."""
    return _titled(_menus_statement().rows(_menu_params(actor, preferred))["courses"])


def matrix_cells(user_ids, course_ids, params):
    """{(user id, course id): cell row} of these people in these courses (one query)."""
    if not user_ids or not course_ids:
        return {}
    found = rows(_cells_statement(), {**params, "user_ids": user_ids, "column_ids": course_ids})
    return {(row.user_id, row.course_id): row for row in found}


@prepared
def _menus_statement():
    """The followed courses with their titles, the company's groups and job roles, in one statement.

    How many follow each course (its enrolments and places in its sessions of the company's visible people) is
    kept in summary_count (oscart.assignments.counts.FOLLOWED).
    """
    counted = (select(SummaryCount.item_id.label("course_id"), SummaryCount.count.label("people"))
               .where(SummaryCount.company_id == bindparam("company_id"), SummaryCount.scope_id == 0,
                      SummaryCount.kind == FOLLOWED, SummaryCount.at == ALWAYS).subquery("counted"))
    courses = (select(Course.id, Course.code, counted.c.people, reader_title(Course.id).label("title"))
               .join(counted, counted.c.course_id == Course.id))
    groups = select(Group.id, Group.name).where(Group.company_id == bindparam("company_id"))
    job_roles = select(JobRole.id, JobRole.name).where(JobRole.company_id == bindparam("company_id"))
    return SelectsInOne(courses=(courses, [counted.c.people.desc(), Course.code, Course.id]),
                        groups=(groups, [Group.name, Group.id]), job_roles=(job_roles, [JobRole.name, JobRole.id]))


def _people(search, group, job_role, status, include_inactive, course):
    """The select of the filtered people's ids (see MatrixFilters.shape)."""
    query = mc.company_people(include_inactive=include_inactive, group=group, job_role=job_role)
    if search:
        query = query.where(person_matches(bindparam("pattern")))
    if status:
        query = query.where(mc.has_status(User.id, course))
    return query


@prepared
def _people_statement(search, group, job_role, status, include_inactive, course):
    # The people's own columns from the same select (no join to it): a page is read in the order of the index on
    # the company's names, and counted from that index alone.
    people = _people(search, group, job_role, status, include_inactive, course)
    return (people.with_only_columns(User.id, User.first_name, User.last_name, User.email, User.is_active)
            .order_by(User.last_name, User.first_name, User.id))


@prepared
def _cells_statement():
    return mc.page_cells()


# --- export ---------------------------------------------------------------------------------------------------

def matrix_header():
    return [_("Last name"), _("First name"), _("E-mail address"), _("Code"), _("Course"), _("Status"),
            _("Required"), _("Progress (%)"), _("Due date"), _("Completed on"), _("Valid until")]


def matrix_rows(actor, preferred, filters):
    """Every cell the page's filters select (all pages, every course column), one row per person and course,
    read in batches (flat memory); titles in the reader's language. A status filter keeps only such cells."""
    titles = {course.id: course.title for course in followed_courses(actor, preferred)}
    labels = {key: str(label) for key, label in STATUS_LABELS.items()}
    required = {True: _("Yes"), False: _("No")}
    params = filters.params(actor)
    statement = _export_statement(*filters.shape(), bool(filters.course_id))
    for row in db.session.execute(statement.execution_options(yield_per=BATCH), params):
        yield (row.last_name, row.first_name, row.email, row.code, titles.get(row.course_id, row.code),
               labels[row.status], required[bool(row.is_required)], row.progress_percent,
               local_date(row.due_at), local_date(row.completed_at) or row.completed_on, row.valid_until)


@prepared
def _export_statement(search, group, job_role, status, include_inactive, course):
    people = _people(search, group, job_role, status, include_inactive, course).subquery("export_people")
    cell = mc.CELL
    query = (select(User.last_name, User.first_name, User.email, Course.code, *mc.cell_columns(cell))
             .join(people, people.c.id == User.id).join(cell, cell.c.user_id == User.id)
             .join(Course, Course.id == cell.c.course_id).where(cells.is_cell(cell.c))
             .order_by(User.last_name, User.first_name, User.id, Course.code))
    if status:
        query = query.where(cells.status(cell.c) == bindparam("status"))
    if course:
        query = query.where(cell.c.course_id.in_(bindparam("course_ids", expanding=True)))
    return query
