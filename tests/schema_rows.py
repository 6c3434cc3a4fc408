"""Valid rows of any table, and rows that break one rule of the schema, for tests of the database's own rules."""

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from itertools import count

from sqlalchemy import CheckConstraint, UniqueConstraint, func, inspect, select, table
from sqlalchemy import column as sa_column

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
MISSING_ID = 987_654_321


def missing(column):
    """A value no row of the column's parent has, of the column's own type."""
    return "missing" if getattr(column.type, "python_type", int) is str else MISSING_ID


def first_key(table):
    """The first column of the table's primary key (``id``, or a natural key such as a file's hash)."""
    return next(iter(table.primary_key.columns))

ENUM = re.compile(r"(\w+) IN \((.+)\)")
AT_LEAST = re.compile(r"(\w+) >= (\d+)")
BETWEEN = re.compile(r"(\w+) BETWEEN (\d+) AND (\d+)")

# Rows that break the CHECK constraints whose condition is not a plain list, minimum or range.
BREAKING = {
    "ck_course_duration_hours": [{"duration_hours": Decimal("0")}],
    "ck_lesson_image_size": [{"width": 0}, {"height": 0}],
    "ck_training_session_period": [{"starts_at": NOW, "ends_at": NOW - timedelta(minutes=1)}],
    "ck_session_part_period": [{"starts_at": NOW, "ends_at": NOW}],
    "ck_registration_waitlist_position": [{"status": "waitlisted", "position": None},
                                          {"status": "waitlisted", "position": 0},
                                          {"status": "registered", "position": 1}],
    "ck_attendance_absence_minutes": [{"status": "absent", "minutes": 30}, {"status": "excused", "minutes": 1}],
    "ck_attendance_signature_time": [{"signature": b"png", "signed_at": None}, {"signature": None, "signed_at": NOW}],
    "ck_invitation_period": [{"created_at": NOW, "expires_at": NOW}],
    "ck_invitation_one_outcome": [{"accepted_at": NOW, "revoked_at": NOW}],
    "ck_training_rule_target": [{"group_id": None, "job_role_id": None}],
}

# Optional columns a valid row fills all the same (a CHECK asks for one of them).
FILLED = {"training_rule": ("group_id",)}


def check_constraints(metadata):
    return [c for owner in metadata.sorted_tables for c in owner.constraints if isinstance(c, CheckConstraint)]


def unique_rules(metadata):
    """(name, table, columns) of every unique constraint and unique index."""
    found = []
    for owner in metadata.sorted_tables:
        found += [(c.name, owner, [col.name for col in c.columns])
                  for c in owner.constraints if isinstance(c, UniqueConstraint)]
        found += [(index.name, owner, [col.name for col in index.columns]) for index in owner.indexes if index.unique]
    return found


def breaking_rows(check):
    """Column values that break ``check`` and nothing else."""
    condition = str(check.sqltext)
    if match := ENUM.fullmatch(condition):
        return [{match[1]: "zz"}]
    if match := AT_LEAST.fullmatch(condition):
        return [{match[1]: int(match[2]) - 1}]
    if match := BETWEEN.fullmatch(condition):
        return [{match[1]: int(match[2]) - 1}, {match[1]: int(match[3]) + 1}]
    return BREAKING[check.name]


class Rows:
    """Inserts valid rows, with a new row of each parent a row needs, through one connection.

    ``rules``: the metadata whose CHECK constraints say which values a column takes, when the tables are reflected
    from a database that does not have them yet.
    """

    def __init__(self, connection, rules=None):
        self.connection = connection
        self.rules = rules
        self.numbers = count(1)

    def insert(self, table, *, fill=(), **given):
        values = self.values(table, fill=fill, **given)
        return self.connection.execute(table.insert().values(values)).inserted_primary_key[0]

    def values(self, table, *, fill=(), **given):
        """Every column the row needs; ``fill`` names optional columns to fill too."""
        values = {}
        fill = (*fill, *FILLED.get(table.name, ()))
        for column in table.columns:
            if column.name in given:
                values[column.name] = given[column.name]
            elif column is table.autoincrement_column or (column.nullable and column.name not in fill):
                continue
            elif column.foreign_keys:
                (key,) = column.foreign_keys
                values[column.name] = self.insert(key.column.table)
            else:
                values[column.name] = self.value(table, column)
        return values

    def value(self, table, column):
        choices = _enum(self.rules.tables[table.name] if self.rules is not None else table, column.name)
        if choices:
            return choices[0]
        number = next(self.numbers) if _unique_alone(table, column) else 1
        kind = getattr(column.type, "impl_instance", column.type).python_type  # the stored type of a decorator
        if kind is datetime:
            return NOW + timedelta(hours=1) if column.name in ("ends_at", "expires_at") else NOW
        samples = {int: number, str: f"v{number}", bool: False, Decimal: Decimal("1"), bytes: b"x",
                   date: NOW.date(), object: {}}  # object: JSON
        return samples[kind]


def _enum(table, column_name):
    for constraint in table.constraints:
        if isinstance(constraint, CheckConstraint):
            match = ENUM.fullmatch(str(constraint.sqltext))
            if match and match[1] == column_name:
                return [value.strip().strip("'") for value in match[2].split(",")]
    return None


def _unique_alone(table, column):
    alone = [column]
    return column.unique or list(table.primary_key.columns) == alone or any(
        isinstance(c, UniqueConstraint) and list(c.columns) == alone for c in table.constraints)


def refused(error, name, *, sqlite_words):
    """The database refused the write, naming the rule it broke."""
    original = error.value.orig
    if type(original).__module__.startswith("psycopg"):
        return original.diag.constraint_name == name
    return all(word in str(original) for word in sqlite_words)


def broken_references(connection):
    """Rows whose foreign key names a row that does not exist, on any backend (and SQLite's own check)."""
    found = []
    if connection.dialect.name == "sqlite":
        found += [tuple(row) for row in connection.exec_driver_sql("PRAGMA foreign_key_check").all()]
    inspector = inspect(connection)
    for name in inspector.get_table_names():
        for key in inspector.get_foreign_keys(name):
            (column,), (referred,) = key["constrained_columns"], key["referred_columns"]
            child = table(name, sa_column(column)).alias("child")
            parent = table(key["referred_table"], sa_column(referred)).alias("parent")
            missing = connection.execute(
                select(func.count()).select_from(child.outerjoin(parent, child.c[column] == parent.c[referred]))
                .where(child.c[column].is_not(None), parent.c[referred].is_(None))).scalar()
            if missing:
                found.append((name, column, key["referred_table"], missing))
    return found


def row_counts(connection):
    return {name: connection.execute(select(func.count()).select_from(table(name))).scalar()
            for name in inspect(connection).get_table_names() if name != "alembic_version"}
