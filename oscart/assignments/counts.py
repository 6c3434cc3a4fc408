"""Counts per company kept in summary_count, each the sum of what a set of rows contributes.

A *counter* (``add_counter``) says what the rows of some people contribute: it gets the connection, the Units
(see tracking) and each person's Person, and adds ``(company id, scope id, kind, at, item id) → n`` to a Counter.
Tracking asks every counter before and after a change and writes the difference, so a count always equals the
sum over the rows it counts. A person counts in scope 0 (their company) and in the scope of each of their groups.

The training matrix's course columns, most followed first, use kind FOLLOWED: per course, the enrolments and the
places in its classroom sessions of the company's visible people (active or deactivated).
"""

from collections import Counter, namedtuple
from datetime import UTC, datetime

from sqlalchemy import bindparam, delete, select, tuple_
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from oscart.accounts.models import User
from oscart.assignments.cells import units_rows
from oscart.assignments.summary_models import SummaryCount
from oscart.classroom.models import REGISTERED, Registration, TrainingSession
from oscart.companies.models import GroupMember
from oscart.companies.services import visible_employees
from oscart.core.database import prepared
from oscart.training.models import Enrolment

FOLLOWED = "followed"
ALWAYS = datetime(2000, 1, 1, tzinfo=UTC)  # the moment of counts that have none
CHUNK = 2000

Person = namedtuple("Person", "company_id is_active scopes")

_counters = []


def add_counter(counter):
    if counter not in _counters:
        _counters.append(counter)


def people(connection, user_ids):
    """{user id: Person} of these people who count: visible people of a company."""
    found = {}
    for chunk in chunks(sorted(user_ids)):
        for row in connection.execute(_people_statement(), {"user_ids": chunk}):
            person = found.get(row.id)
            if person is None:
                person = found[row.id] = Person(row.company_id, bool(row.is_active), [0])
            if row.group_id is not None:
                person.scopes.append(row.group_id)
    return found


@prepared
def _people_statement():
    return (select(User.id, User.company_id, User.is_active, GroupMember.group_id)
            .outerjoin(GroupMember, GroupMember.user_id == User.id)
            .where(User.id.in_(bindparam("user_ids", expanding=True)), User.company_id.is_not(None),
                   *visible_employees()))


def contributions(connection, units):
    """Counter of what the rows of ``units`` contribute to every count."""
    found = Counter()
    if not units:
        return found
    persons = people(connection, units.user_ids())
    if persons:
        for counter in _counters:
            counter(connection, units, persons, found)
    return found


def apply(connection, delta):
    """Add ``delta`` (key → change) to the stored counts; counts that fall to 0 are removed."""
    changes = sorted((key, n) for key, n in delta.items() if n)
    if not changes:
        return
    table = SummaryCount.__table__
    columns = ("company_id", "scope_id", "kind", "at", "item_id")
    dialect_insert = postgresql_insert if connection.dialect.name == "postgresql" else sqlite_insert
    statement = dialect_insert(table)
    statement = statement.on_conflict_do_update(index_elements=list(columns),
                                                set_={"count": table.c.count + statement.excluded.count})
    keys = [dict(zip(columns, key, strict=True)) for key, _n in changes]
    # In key order: two transactions that change the same counts lock them in the same order.
    connection.execute(statement, [{**key, "count": n} for key, (_key, n) in zip(keys, changes, strict=True)])
    for chunk in chunks([key for key, _n in changes]):
        connection.execute(delete(table).where(table.c.count == 0, tuple_(*(table.c[name] for name in columns))
                                               .in_(chunk)))


def chunks(items, size=CHUNK):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def rows_of(connection, units, by_people, by_pairs):
    """The rows of ``units``: those of ``by_people`` (bound ``user_ids``) for units.counted and of ``by_pairs``
    (bound ``pairs``) for units.pairs, in chunks."""
    for chunk in chunks(sorted(units.counted)):
        yield from connection.execute(by_people, {"user_ids": chunk})
    for chunk in chunks(sorted(units.pairs)):
        yield from connection.execute(by_pairs, {"pairs": chunk})


def count_followed(connection, units, persons, found):
    """FOLLOWED: per course, an enrolment or a place in a session of it counts 1 (deactivated people too)."""
    for row in rows_of(connection, units, _followed(False), _followed(True)):
        person = persons.get(row.user_id)
        if person is not None:
            found[(person.company_id, 0, FOLLOWED, ALWAYS, row.course_id)] += 1


@prepared
def _followed(by_pairs):
    enrolments = (select(Enrolment.user_id, Enrolment.course_id)
                  .where(units_rows(Enrolment.user_id, Enrolment.course_id, by_pairs)))
    places = (select(Registration.user_id, TrainingSession.course_id)
              .join(TrainingSession, TrainingSession.id == Registration.session_id)
              .where(Registration.status == REGISTERED,
                     units_rows(Registration.user_id, TrainingSession.course_id, by_pairs)))
    return enrolments.union_all(places)


add_counter(count_followed)
