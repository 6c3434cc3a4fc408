"""What the report counts, kept per company in summary_count (see oscart.assignments.counts and tracking).

Only the company's current people count (visible, not deactivated); each counts in the whole company (scope 0) and
in each of their groups. Months are Brussels calendar months, stored as the moment they start.

ENROLLED   an enrolment, at the month it was completed (OPEN: not completed), per course
DONE       a completed enrolment, at the month of its completion, per course
G_ENROLLED, G_DONE   the same per group the person is in, instead of per course
DUE        a due date that was not met (not completed, or completed after it), at the due date itself
EXPIRING   a current certificate with a last valid day, at the month of that day
MARKED, ATTENDED     attendance taken for a session part (excused absences left out), and of those the ones
                     attended (present, late or left early), at the month of the part's start
"""

from datetime import UTC, date, datetime
from functools import lru_cache

from sqlalchemy import select

from oscart.assignments.cells import units_rows
from oscart.assignments.counts import chunks, rows_of
from oscart.certificates.models import Certificate
from oscart.classroom.models import ABSENT, EXCUSED, Attendance
from oscart.core import local_time
from oscart.core.database import prepared
from oscart.training.models import COMPLETED, Enrolment

ENROLLED, DONE, G_ENROLLED, G_DONE = "enrolled", "done", "g_enrolled", "g_done"
DUE, EXPIRING, MARKED, ATTENDED = "due", "expiring", "marked", "attended"
OPEN = datetime(9000, 1, 1, tzinfo=UTC)  # the month of an enrolment not completed: after every period


@lru_cache(maxsize=1024)
def _month_start(year, month):
    return local_time.local_day_start(date(year, month, 1))


def month_of(value):
    """The moment the Brussels month of a datetime or a date starts."""
    if isinstance(value, datetime):
        value = value.astimezone(local_time.BRUSSELS)
    return _month_start(value.year, value.month)


def count_training(connection, units, persons, found):
    """ENROLLED, DONE, G_ENROLLED, G_DONE and DUE, from the enrolments of ``units``."""
    for row in rows_of(connection, units, _enrolments(False), _enrolments(True)):
        person = persons.get(row.user_id)
        if person is None or not person.is_active:
            continue
        company_id, scopes, groups = person.company_id, person.scopes, person.scopes[1:]
        month = month_of(row.completed_at) if row.completed_at is not None else OPEN
        is_done = row.status == COMPLETED and row.completed_at is not None
        for scope in scopes:
            found[(company_id, scope, ENROLLED, month, row.course_id)] += 1
            if is_done:
                found[(company_id, scope, DONE, month, row.course_id)] += 1
            for group_id in groups:
                found[(company_id, scope, G_ENROLLED, month, group_id)] += 1
                if is_done:
                    found[(company_id, scope, G_DONE, month, group_id)] += 1
            if row.due_at is not None and (row.completed_at is None or row.completed_at > row.due_at):
                found[(company_id, scope, DUE, row.due_at, 0)] += 1


def count_certificates(connection, units, persons, found):
    """EXPIRING, from the current certificates of ``units``."""
    for row in rows_of(connection, units, _certificates(False), _certificates(True)):
        person = persons.get(row.user_id)
        if person is not None and person.is_active:
            month = month_of(row.valid_until)
            for scope in person.scopes:
                found[(person.company_id, scope, EXPIRING, month, 0)] += 1


def count_attendance(connection, units, persons, found):
    """MARKED and ATTENDED, from the attendance of the people of ``units``."""
    user_ids = sorted(units.counted | units.attendance)
    for chunk in chunks(user_ids):
        for row in connection.execute(_attendance(), {"user_ids": chunk}):
            person = persons.get(row.user_id)
            if person is None or not person.is_active:
                continue
            month = month_of(row.part_starts_at)
            for scope in person.scopes:
                found[(person.company_id, scope, MARKED, month, 0)] += 1
                if row.status != ABSENT:
                    found[(person.company_id, scope, ATTENDED, month, 0)] += 1


@prepared
def _enrolments(by_pairs):
    return (select(Enrolment.user_id, Enrolment.course_id, Enrolment.status, Enrolment.completed_at,
                   Enrolment.due_at)
            .where(units_rows(Enrolment.user_id, Enrolment.course_id, by_pairs)))


@prepared
def _certificates(by_pairs):
    return (select(Certificate.user_id, Certificate.valid_until)
            .where(units_rows(Certificate.user_id, Certificate.course_id, by_pairs),
                   Certificate.revoked_at.is_(None), Certificate.superseded_at.is_(None),
                   Certificate.valid_until.is_not(None)))


@prepared
def _attendance():
    return (select(Attendance.user_id, Attendance.status, Attendance.part_starts_at)
            .where(units_rows(Attendance.user_id, None, False), Attendance.status != EXCUSED))


COUNTERS = (count_training, count_certificates, count_attendance)
