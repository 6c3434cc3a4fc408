"""The training matrix's cells, read from matrix_cell (oscart.assignments.cells says what a cell and its status are).

A page reads the stored cells of its people and course columns by their key; the status filter asks, per person,
whether a stored cell has that status, through an index; a cell whose stored status has passed its ``changes_at``
gets its status computed from the stored parts instead, so the answer is right at any moment.
"""

from sqlalchemy import and_, bindparam, or_, select

from oscart.accounts.models import User
from oscart.assignments import cells
from oscart.assignments.cells import (  # noqa: F401  (the statuses, for the matrix's users)
    BOOKED,
    DONE,
    EXPIRED,
    EXPIRING,
    NOT_STARTED,
    OVERDUE,
    STARTED,
    STATUSES,
    VALID,
    moments,
)
from oscart.assignments.summary_models import MatrixCell
from oscart.companies.models import GroupMember
from oscart.companies.services import visible_employees

CELL = MatrixCell.__table__


def cell_columns(cell):
    """The columns a cell shows: user_id, course_id, status, is_required, progress_percent, due_at, completed_at,
    valid_until, completed_on, session_starts_at. Bound: moments()."""
    return [cell.c.user_id, cell.c.course_id, cells.status(cell.c).label("status"),
            cell.c.due_at.is_not(None).label("is_required"), cell.c.progress_percent, cell.c.due_at,
            cell.c.completed_at, cell.c.valid_until, cell.c.completed_on,
            cells.next_session_start(cell.c).label("session_starts_at")]


def has_status(user_id, by_course):
    """SQL condition: the person ``user_id`` (a column) has a cell with the bound ``status`` (in one of the bound
    ``course_ids`` if ``by_course``)."""
    stored, moved = CELL.alias("status_cell"), CELL.alias("moved_cell")
    holds = and_(stored.c.user_id == user_id, stored.c.status == bindparam("status"), cells.is_fresh(stored.c))
    changed = and_(moved.c.user_id == user_id, moved.c.changes_at <= bindparam("now"), cells.is_cell(moved.c),
                   cells.status(moved.c) == bindparam("status"))
    if by_course:
        holds = and_(holds, stored.c.course_id.in_(bindparam("course_ids", expanding=True)))
        changed = and_(changed, moved.c.course_id.in_(bindparam("course_ids", expanding=True)))
    # EXISTS of a column the index holds: answered from the index without reading the rows.
    return or_(select(stored.c.user_id).where(holds).exists(), select(moved.c.user_id).where(changed).exists())


def page_cells():
    """A select of the shown cells of some people (bound ``user_ids``) in some courses (``column_ids``)."""
    return (select(*cell_columns(CELL))
            .where(CELL.c.user_id.in_(bindparam("user_ids", expanding=True)),
                   CELL.c.course_id.in_(bindparam("column_ids", expanding=True)), cells.is_cell(CELL.c)))


def company_people(*, include_inactive, group=False, job_role=False):
    """A select of the ids of the actor's company's visible people (bound: company_id, group_id, job_role_id)."""
    query = select(User.id).where(User.company_id == bindparam("company_id"), *visible_employees())
    if not include_inactive:
        query = query.where(User.is_active.is_(True))
    if group:
        query = query.where(User.id.in_(select(GroupMember.user_id)
                                        .where(GroupMember.group_id == bindparam("group_id"))))
    if job_role:
        query = query.where(User.job_role_id == bindparam("job_role_id"))
    return query
