"""Where a person stands in a course: the status of a cell of the training matrix, and the rows that keep it.

A cell exists when the person has an enrolment in the course, a place in one of its classroom sessions that has
not ended or a current certificate of it. Its status is the one an HR person acts on first:

overdue        a due date has passed and the course is not completed
expired        the newest current certificate's last valid day has passed
expiring       it stops being valid within EXPIRING_DAYS
valid          a certificate valid until a later date
completed      completed (without a certificate, or with one that never expires)
registered     a place in a coming classroom session of the course
in_progress    started (some progress)
not_started    enrolled (or assigned) without progress

A cell is *required* when its enrolment has a due date (a company admin or a rule assigned it), else optional.

``matrix_cell`` (summary_models.MatrixCell) keeps each cell's parts for the visible people of every company;
``status()`` turns those parts into the status at a given moment, for a stored row or for one computed from the
enrolment, certificate and registration rows (``from_rows``), so both always agree.
"""

from datetime import timedelta

from sqlalchemy import (
    and_,
    bindparam,
    case,
    delete,
    false,
    func,
    insert,
    literal,
    or_,
    select,
    tuple_,
    union,
)

from oscart.accounts.models import User
from oscart.assignments.summary_models import MatrixCell
from oscart.certificates.models import Certificate
from oscart.classroom.models import REGISTERED, Registration, TrainingSession
from oscart.companies.services import visible_employees
from oscart.core import local_time
from oscart.core.database import prepared, utcnow
from oscart.training.models import COMPLETED, Enrolment

EXPIRING_DAYS = 60

OVERDUE = "overdue"
EXPIRED = "expired"
EXPIRING = "expiring"
VALID = "valid"
DONE = "completed"
BOOKED = "registered"
STARTED = "in_progress"
NOT_STARTED = "not_started"
STATUSES = (NOT_STARTED, BOOKED, STARTED, DONE, VALID, EXPIRING, EXPIRED, OVERDUE)

CHUNK = 2000  # people or cells per statement while rewriting


def moments(now=None):
    """The bound values every status compares with: now, today and the last day counted as expiring."""
    now = now or utcnow()
    today = now.astimezone(local_time.BRUSSELS).date()
    return {"now": now, "today": today, "expiring_until": today + timedelta(days=EXPIRING_DAYS)}


def status(c):
    """The status (SQL) of the cell whose parts are the columns ``c`` (a MatrixCell table or from_rows())."""
    return case(
        (and_(c.is_completed.is_not(True), c.due_at < bindparam("now")), literal(OVERDUE)),
        (c.is_lasting.is_(True), literal(DONE)),
        (c.valid_until < bindparam("today"), literal(EXPIRED)),
        (c.valid_until <= bindparam("expiring_until"), literal(EXPIRING)),
        (c.valid_until.is_not(None), literal(VALID)),
        (c.is_completed.is_(True), literal(DONE)),
        (c.booked_until >= bindparam("now"), literal(BOOKED)),
        (c.progress_percent > 0, literal(STARTED)),
        else_=literal(NOT_STARTED))


def is_cell(c):
    """Whether the stored row ``c`` is a cell now (its only place may be in a session that has ended since)."""
    return or_(c.is_enrolled.is_(True), c.completed_on.is_not(None), c.booked_until >= bindparam("now"))


def is_fresh(c):
    """Whether the status stored in ``c`` still holds now."""
    return or_(c.changes_at.is_(None), c.changes_at > bindparam("now"))


def next_session_start(c):
    """When the first of the person's coming sessions of the course starts (for a "registered" cell)."""
    later = (select(func.min(TrainingSession.starts_at))
             .join(Registration, Registration.session_id == TrainingSession.id)
             .where(Registration.user_id == c.user_id, TrainingSession.course_id == c.course_id,
                    Registration.status == REGISTERED, TrainingSession.ends_at >= bindparam("now"))
             .scalar_subquery())
    # Read from the rows only when the first booked session has ended and a later one has not (seldom).
    return case((c.next_ends_at >= bindparam("now"), c.next_starts_at), (c.booked_until >= bindparam("now"), later))


def units_rows(user_column, course_column, by_pairs):
    """Rows of some people (bound ``user_ids``) or of some (user id, course id) pairs (bound ``pairs``)."""
    if by_pairs:
        return tuple_(user_column, course_column).in_(bindparam("pairs", expanding=True))
    return user_column.in_(bindparam("user_ids", expanding=True))


def from_rows(by_pairs):
    """A subquery of the parts of the cells of some people (bound ``user_ids``), or of some cells (``pairs``: (user
    id, course id) tuples), computed from the enrolment, certificate and registration rows; bound ``now``.

    Only visible people of a company have cells. The columns are those of MatrixCell but ``status`` and
    ``changes_at``.
    """
    current = and_(Certificate.revoked_at.is_(None), Certificate.superseded_at.is_(None))  # models.CURRENT
    certificates = (select(Certificate.user_id, Certificate.course_id,
                           func.max(Certificate.valid_until).label("valid_until"),
                           func.max(case((Certificate.valid_until.is_(None), 1), else_=0)).label("is_lasting"),
                           func.max(Certificate.completed_on).label("completed_on"))
                    .where(current, units_rows(Certificate.user_id, Certificate.course_id, by_pairs))
                    .group_by(Certificate.user_id, Certificate.course_id).subquery("cell_certificates"))
    bookings = (select(Registration.user_id, TrainingSession.course_id,
                       func.max(TrainingSession.ends_at).label("booked_until"),
                       func.min(TrainingSession.starts_at).label("next_starts_at"),
                       func.min(TrainingSession.ends_at).label("next_ends_at"))
                .join(TrainingSession, TrainingSession.id == Registration.session_id)
                .where(Registration.status == REGISTERED, TrainingSession.ends_at >= bindparam("now"),
                       units_rows(Registration.user_id, TrainingSession.course_id, by_pairs))
                .group_by(Registration.user_id, TrainingSession.course_id).subquery("cell_bookings"))
    enrolments = select(Enrolment.user_id, Enrolment.course_id).where(
        units_rows(Enrolment.user_id, Enrolment.course_id, by_pairs))
    keys = union(enrolments,
                 select(bookings.c.user_id, bookings.c.course_id),
                 select(certificates.c.user_id, certificates.c.course_id)).subquery("cell_keys")
    enrolment = Enrolment.__table__.alias("cell_enrolment")
    return (select(keys.c.user_id, keys.c.course_id, User.company_id,
                   enrolment.c.id.is_not(None).label("is_enrolled"),
                   func.coalesce(enrolment.c.status == COMPLETED, false()).label("is_completed"),
                   enrolment.c.progress_percent, enrolment.c.due_at, enrolment.c.completed_at,
                   certificates.c.valid_until, (func.coalesce(certificates.c.is_lasting, 0) == 1).label("is_lasting"),
                   certificates.c.completed_on, bookings.c.booked_until, bookings.c.next_starts_at,
                   bookings.c.next_ends_at)
            .select_from(keys).join(User, User.id == keys.c.user_id)
            .outerjoin(enrolment, and_(enrolment.c.user_id == keys.c.user_id,
                                       enrolment.c.course_id == keys.c.course_id))
            .outerjoin(certificates, and_(certificates.c.user_id == keys.c.user_id,
                                          certificates.c.course_id == keys.c.course_id))
            .outerjoin(bookings, and_(bookings.c.user_id == keys.c.user_id, bookings.c.course_id == keys.c.course_id))
            .where(User.company_id.is_not(None), *visible_employees())
            .subquery("cell_parts"))


@prepared
def _computed(by_pairs):
    parts = from_rows(by_pairs)
    return select(parts, status(parts.c).label("status"))


def changes_at(row, now):
    """The first moment after ``now`` at which the status of the cell ``row`` may change without any row changing:
    its due date, the first day it counts as expiring or expired, the end of a session it has a place in."""
    found = []
    if not row.is_completed and row.due_at is not None and row.due_at > now:
        found.append(row.due_at)
    if row.valid_until is not None:
        for day in (row.valid_until - timedelta(days=EXPIRING_DAYS), row.valid_until + timedelta(days=1)):
            moment = local_time.local_day_start(day)
            if moment > now:
                found.append(moment)
    if row.next_ends_at is not None:
        found.append(row.next_ends_at)
    return min(found, default=None)


def rewrite(connection, *, user_ids=(), pairs=(), now=None):
    """Make the stored cells of these people (every course) and these cells match their rows."""
    now = now or utcnow()
    table = MatrixCell.__table__
    user_ids, pairs = sorted(user_ids), sorted(pairs)
    for start in range(0, len(user_ids), CHUNK):
        chunk = user_ids[start:start + CHUNK]
        connection.execute(delete(table).where(table.c.user_id.in_(chunk)))
        _insert(connection, _computed(False), {"user_ids": chunk, **moments(now)}, now)
    for start in range(0, len(pairs), CHUNK):
        chunk = pairs[start:start + CHUNK]
        connection.execute(delete(table).where(tuple_(table.c.user_id, table.c.course_id).in_(chunk)))
        _insert(connection, _computed(True), {"pairs": chunk, **moments(now)}, now)


def _insert(connection, statement, params, now):
    found = connection.execute(statement, params).all()
    if found:
        connection.execute(insert(MatrixCell.__table__),
                           [{**row._asdict(), "changes_at": changes_at(row, now)} for row in found])


def refresh(connection, *, now=None):
    """Rewrite the stored cells whose status no longer holds; returns how many."""
    now = now or utcnow()
    table = MatrixCell.__table__
    stale = [tuple(row) for row in connection.execute(
        select(table.c.user_id, table.c.course_id).where(table.c.changes_at <= now))]
    rewrite(connection, pairs=stale, now=now)
    return len(stale)
