"""Keeps matrix_cell and summary_count in step with the rows they are made of, inside the transaction that changes
those rows.

Every such change goes through the session: objects added, changed or deleted and then flushed, or an ORM
INSERT, UPDATE or DELETE statement (``session.execute(delete(GroupMember).where(...))``). Before the change,
tracking finds what it touches (Units: people, (person, course) pairs, people's attendance), locks those people
so that no other transaction changes their rows in between, and asks every counter what those rows contribute;
after it, it asks again, writes the difference into summary_count and rewrites the touched cells. So a count is
always the sum over the rows it counts, on SQLite and PostgreSQL, with several workers writing at once.

Writing through a bare connection, or deleting rows by a database cascade that no flushed object or statement
names, would bypass this; ``flask summaries rebuild`` recomputes everything from the rows.
"""

from collections import Counter, defaultdict
from contextlib import contextmanager

from sqlalchemy import event, false, inspect, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.base import NO_VALUE

from oscart.accounts.models import User
from oscart.assignments import cells, counts
from oscart.assignments.summary_models import MatrixCell
from oscart.certificates.models import Certificate
from oscart.classroom.models import REGISTERED, Attendance, Registration, SessionPart, TrainingSession
from oscart.companies.models import Group, GroupMember
from oscart.core.database import utcnow
from oscart.training.models import Enrolment

PAUSED = "summaries_paused"
PENDING = "summaries_pending"

# Per model: the columns whose change matters, and those a row of it is found by.
ENROLMENT_COUNTED = {"user_id", "course_id", "status", "completed_at", "due_at", "enrolled_at"}
WATCHED = {
    Enrolment: (ENROLMENT_COUNTED | {"progress_percent"}, ("user_id", "course_id")),
    Certificate: ({"user_id", "course_id", "revoked_at", "superseded_at", "valid_until", "completed_on"},
                  ("user_id", "course_id")),
    Registration: ({"user_id", "session_id", "status"}, ("user_id", "session_id")),
    TrainingSession: ({"course_id", "starts_at", "ends_at"}, ("id", "course_id")),
    SessionPart: (set(), ("id",)),
    Attendance: ({"user_id", "status", "part_starts_at"}, ("user_id",)),
    User: ({"company_id", "is_active", "is_restricted", "is_anonymised"}, ("id",)),
    GroupMember: ({"user_id", "group_id"}, ("user_id",)),
    Group: (set(), ("id",)),
}


class Units:
    """What a change touches: ``people`` (all their rows: a person moved to another company, hidden or shown),
    ``members`` (all their counts, not their cells: groups changed, deactivated), ``pairs`` ((user id, course id):
    the enrolment, certificates and places of one person in one course), ``cell_pairs`` (the same, but only what
    the matrix shows changed) and ``attendance`` (a person's attendance rows)."""

    def __init__(self):
        self.people, self.members, self.pairs, self.cell_pairs, self.attendance = set(), set(), set(), set(), set()

    def __bool__(self):
        return bool(self.people or self.members or self.pairs or self.cell_pairs or self.attendance)

    def settle(self):
        """Leave out what a wider unit already covers: ``counted``, the people whose every count is read, and
        ``cells``, the pairs whose cells are rewritten besides those of ``people``."""
        self.members -= self.people
        self.counted = self.people | self.members
        self.cells = {pair for pair in self.pairs | self.cell_pairs if pair[0] not in self.people}
        self.pairs = {pair for pair in self.pairs if pair[0] not in self.counted}
        self.attendance -= self.counted
        return self

    def user_ids(self):
        """The people whose rows the counters read (cell_pairs change no count)."""
        return self.counted | {user_id for user_id, _course_id in self.pairs} | self.attendance

    def is_counted(self):
        return bool(self.counted or self.pairs or self.attendance)


def init_app(app):
    from oscart.assignments import tracking_statements

    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)
        event.listen(Session, "after_flush", _after_flush)
        event.listen(Session, "after_soft_rollback", _forget)
        event.listen(Session, "do_orm_execute", tracking_statements.on_execute)


@contextmanager
def paused(session):
    """Leave the summaries alone (bulk loads that rebuild them afterwards)."""
    session.info[PAUSED] = True
    try:
        yield
    finally:
        session.info.pop(PAUSED, None)


def before_change(connection, units):
    """Lock the people ``units`` touches and note what their rows contribute now."""
    units.settle()
    _lock(connection, units.user_ids() | units.people | {user_id for user_id, _course_id in units.cells})
    return counts.contributions(connection, units) if units.is_counted() else Counter()


def after_change(connection, units, before):
    """Write what the change did to the counts (``before``: from before_change) and rewrite the touched cells."""
    if units.is_counted():
        delta = counts.contributions(connection, units)
        delta.subtract(before)
        counts.apply(connection, delta)
    cells.rewrite(connection, user_ids=units.people, pairs=units.cells, now=utcnow())


def _lock(connection, user_ids):
    if not user_ids:
        return
    if connection.dialect.name == "postgresql":
        for chunk in counts.chunks(sorted(user_ids)):
            connection.execute(select(User.id).where(User.id.in_(chunk)).order_by(User.id)
                               .with_for_update(key_share=True)).all()
    else:
        # SQLite has one writer at a time: a write (of nothing) takes that lock before anything is read.
        table = MatrixCell.__table__
        connection.execute(update(table).where(false()).values(status=table.c.status))


class Changes:
    """Rows about to change, turned into Units with a few grouped queries."""

    def __init__(self):
        self.units = Units()
        self.registrations = defaultdict(set)  # session id → people
        self.sessions = defaultdict(set)  # session id → course ids (changed or deleted sessions)
        self.ended = set()  # deleted sessions, parts and groups: what goes with them
        self.parts, self.groups = set(), set()
        self.later = []  # objects of people or courses created in the flush: nothing of them was counted

    def add(self, model, row, change, changed):
        """``row``: {column: set of values} of a row of ``model``; ``changed``: the columns that change."""
        units = self.units
        if model in (Enrolment, Certificate):
            target = units.pairs if model is Certificate or changed & ENROLMENT_COUNTED else units.cell_pairs
            target.update((user_id, course_id) for user_id in row["user_id"] for course_id in row["course_id"])
        elif model is Registration:
            for session_id in row["session_id"]:
                self.registrations[session_id].update(row["user_id"])
        elif model is TrainingSession and change != "new":
            for session_id in row["id"]:
                self.sessions[session_id].update(row["course_id"])
                if change == "deleted":
                    self.ended.add(session_id)
        elif model is SessionPart and change == "deleted":
            self.parts.update(row["id"])
        elif model is Attendance:
            units.attendance.update(row["user_id"])
        elif model is User and change != "new":  # nobody's rows point to a person only now created
            # Cells are kept whether a person is active or not; the other columns decide who has cells.
            (units.members if changed == {"is_active"} else units.people).update(row["id"])
        elif model is GroupMember:
            units.members.update(row["user_id"])
        elif model is Group and change == "deleted":
            self.groups.update(row["id"])

    def resolve(self, connection):
        units = self.units
        if self.registrations:
            courses = dict(connection.execute(select(TrainingSession.id, TrainingSession.course_id)
                                              .where(TrainingSession.id.in_(self.registrations))).all())
            for session_id, user_ids in self.registrations.items():
                units.pairs.update((user_id, courses[session_id]) for user_id in user_ids if session_id in courses)
        if self.sessions:
            for session_id, user_id in connection.execute(select(Registration.session_id, Registration.user_id).where(
                    Registration.session_id.in_(self.sessions), Registration.status == REGISTERED)):
                units.pairs.update((user_id, course_id) for course_id in self.sessions[session_id])
        if self.ended or self.parts:
            units.attendance.update(connection.scalars(select(Attendance.user_id).where(
                Attendance.session_id.in_(self.ended) | Attendance.part_id.in_(self.parts))))
        if self.groups:
            units.members.update(connection.scalars(select(GroupMember.user_id)
                                                   .where(GroupMember.group_id.in_(self.groups))))
        return units


# --- flushed objects ------------------------------------------------------------------------------------------

def _before_flush(session, _flush_context, _instances):
    if session.info.get(PAUSED):
        return
    changes = Changes()
    for change, objects in (("new", session.new), ("dirty", session.dirty), ("deleted", session.deleted)):
        for obj in objects:
            _collect(changes, obj, change)
    if changes.units or changes.later or changes.registrations or changes.sessions or changes.parts \
            or changes.groups:
        connection = session.connection()
        units = changes.resolve(connection)
        before = before_change(connection, units) if units else None
        session.info.setdefault(PENDING, []).append((units, before, changes.later))


def _after_flush(session, _flush_context):
    pending = session.info.get(PENDING)
    if not pending:
        return
    units, before, later = pending.pop()
    connection = session.connection()
    if units:
        after_change(connection, units, before)
    if later:
        added = Changes()
        for obj in later:
            _collect(added, obj, "new")
        units = added.resolve(connection)
        if units:
            before_change(connection, units)  # locks; nothing of these rows was counted before the flush
            after_change(connection, units, Counter())


def _forget(session, _previous_transaction):
    session.info.pop(PENDING, None)


def _collect(changes, obj, change):
    watched = WATCHED.get(type(obj))
    if watched is None:
        return
    columns, keys = watched
    state = inspect(obj)
    if change == "dirty":
        changed = {name for name in columns if state.attrs[name].history.has_changes()}
        if not changed:
            return
    else:
        changed = columns
    row = {name: _values(state, name) for name in keys}
    if change == "new" and not all(row.values()):
        if type(obj) is Registration and row["user_id"]:  # in a session created in this flush
            changes.units.people.update(row["user_id"])
        elif obj not in changes.later:
            changes.later.append(obj)
        return
    changes.add(type(obj), row, change, changed)


def _values(state, name):
    """The values a column of a flushed object has and had (a changed person or course: both), or the id of the
    object its relationship holds."""
    if name == "id" and state.identity:
        return {state.identity[0]}
    history = state.attrs[name].history
    found = {value for value in (*history.added, *history.unchanged, *history.deleted) if value is not None}
    if not found and state.has_identity:  # not loaded since the last commit: read it
        found = {getattr(state.obj(), name)} - {None}
    if found:
        return found
    for relationship in state.mapper.relationships:
        if [column.key for column in relationship.local_columns] == [name]:
            related = state.attrs[relationship.key].loaded_value
            if related is not NO_VALUE and related is not None and inspect(related).identity:
                return {inspect(related).identity[0]}
    return set()
