"""Shared column types and mixins, and helpers for the statements of the busiest pages."""

from collections import namedtuple
from datetime import UTC, datetime
from functools import lru_cache
from operator import itemgetter
from time import monotonic

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    Integer,
    TypeDecorator,
    cast,
    event,
    func,
    literal_column,
    null,
    select,
    union_all,
)
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Mapped, mapped_column

from oscart.core.exceptions import NotFound
from oscart.core.extensions import db


def utcnow():
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite stores naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def result_processor(self, dialect, coltype):
        if dialect.name == "postgresql":
            return None  # connections run in UTC (prepare_postgresql): psycopg already returns UTC datetimes
        return super().result_processor(dialect, coltype)

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow, nullable=False)


def get_or_raise(model, id_):
    """The row of ``model`` with primary key ``id_``; NotFound (→ 404) when there is none.

    Only for rows that are not scoped to a company; scoped reads filter by the actor's company instead.
    """
    row = db.session.get(model, id_)
    if row is None:
        raise NotFound()
    return row


LIKE_ESCAPE = "/"


def contains_pattern(text):
    """A LIKE pattern that finds ``text`` anywhere, with ``%`` and ``_`` taken as typed; use it with
    ``.like(pattern, escape=LIKE_ESCAPE)``."""
    for char in (LIKE_ESCAPE, "%", "_"):
        text = text.replace(char, LIKE_ESCAPE + char)
    return f"%{text}%"


def prepare_sqlite(dbapi_connection, _record):
    """Every SQLite connection enforces foreign keys, as PostgreSQL does (SQLite leaves them off unless asked),
    and runs in write-ahead-log mode: readers in other workers do not wait for a writer, and a read transaction
    costs two file locks instead of a lock, stat and read cycle."""
    dbapi_connection.execute("PRAGMA foreign_keys=ON")
    dbapi_connection.execute("PRAGMA journal_mode=WAL")


def one_of(column, values, *, name=None):
    """A CHECK that ``column`` holds one of ``values``, named ``ck_<table>_<name or column>``.

    NULL passes, as in every CHECK: whether a column may be empty is its own NOT NULL.
    """
    listed = ", ".join(f"'{value}'" for value in values)
    return CheckConstraint(f"{column} IN ({listed})", name=name or column)


def at_least(column, low, *, name=None):
    return CheckConstraint(f"{column} >= {low}", name=name or column)


def percent(column, *, name=None):
    return CheckConstraint(f"{column} BETWEEN 0 AND 100", name=name or column)


def prepared(build):
    """Build a statement once per *shape* and reuse it; values are passed as bound parameters at execution.

    Building a select() and computing its cache key costs SQLAlchemy about as much as running a small query;
    a reused statement object keeps its cache key. The decorated function takes only hashable shape
    arguments (which filters are present, how many search words) and uses ``bindparam()`` for every value.
    """
    return lru_cache(maxsize=128)(build)


def rows(statement, params=None):
    """All rows of a column select, executed without the ORM layer (no entities are loaded).

    Pending changes are flushed first, as the session's autoflush would do.
    """
    session = db.session()
    session.flush()  # returns at once when nothing is pending (a cheaper check than session.dirty)
    return session.connection().execute(statement, params or {}).all()


class SelectsInOne:
    """Independent column selects read with one statement: one round trip to the database instead of one each.

    ``parts`` maps a name to ``(statement, order_by)``: a select of columns with its filters and any LIMIT but
    without ORDER BY, and the order of its rows. The statement is the UNION ALL of the parts, each padded with
    typed NULLs in the columns of the others and numbered in its own order. ``rows(params)`` gives
    ``{name: [row, ...]}``, each row a named tuple of the part's own columns. Build it once (``@prepared``).
    """

    def __init__(self, **parts):
        subqueries = {}
        for name, (statement, order_by) in parts.items():
            numbered = statement.add_columns(func.row_number().over(order_by=order_by).label("part_position"))
            subqueries[name] = numbered.order_by(*order_by).subquery(f"part_{name}")
        columns = [(name, column) for name, subquery in subqueries.items()
                   for column in subquery.c if column.key != "part_position"]
        branches = []
        for number, (name, subquery) in enumerate(subqueries.items()):
            padded = [(column if owner == name else cast(null(), column.type)).label(f"c{index}")
                      for index, (owner, column) in enumerate(columns)]
            part = literal_column(str(number), Integer).label("part")
            branches.append(select(part, subquery.c.part_position, *padded))
        combined = union_all(*branches)
        self.statement = combined.order_by(combined.selected_columns.part, combined.selected_columns.part_position)
        self._readers = []
        for name in subqueries:
            indexes = [2 + index for index, (owner, _column) in enumerate(columns) if owner == name]
            row_type = namedtuple(f"{name.title()}Row", [columns[index - 2][1].key for index in indexes])
            self._readers.append((name, row_type._make, itemgetter(*indexes) if len(indexes) > 1 else
                                  (lambda row, index=indexes[0]: (row[index],))))

    def rows(self, params):
        found = {name: [] for name, _make, _pick in self._readers}
        lists = [(found[name], make, pick) for name, make, pick in self._readers]
        for row in rows(self.statement, params):
            target, make, pick = lists[row[0]]
            target.append(make(pick(row)))
        return found


# --- PostgreSQL connections -------------------------------------------------------------------------
# Most requests only read. In READ COMMITTED, which the portal uses, every statement sees a fresh snapshot
# whether or not it runs inside a transaction, so a SELECT gains nothing from BEGIN and COMMIT but two round
# trips. Connections therefore start in psycopg's autocommit mode, and the first statement that is not a plain
# SELECT (a write, a SAVEPOINT, a SELECT … FOR UPDATE, a streamed read through a server-side cursor) switches
# it off: psycopg sends BEGIN before that statement, and the transaction lasts, with everything after it, until
# the session commits or rolls back.
#
# Connections run in UTC, so psycopg returns timestamps as UTC datetimes and UTCDateTime need not convert each.
#
# psycopg sends a Python int as the smallest integer type that holds it, so an id below 32768 arrives as a
# smallint. For some statements (the catalogue's) PostgreSQL then never settles on the reusable generic plan
# of the prepared statement and plans it anew at every execution; with integer parameters it does.
#
# A connection is tested with a query only when it sat unused in the pool for a while (a restarted server or
# an idle timeout drops such connections), not at every checkout as pool_pre_ping would: under load that test
# was one more round trip on every request. A broken connection found this way is replaced before the request
# uses it. One that breaks while in steady use fails its request, and the pool then replaces every connection.

def prepare_postgresql(engine, *, idle_test_seconds):
    from psycopg import Error, ServerCursor
    from psycopg.types.numeric import Int4, Int4Dumper, IntDumper

    class IntegerDumper(IntDumper):
        _int2_dumper = Int4Dumper(Int4)  # small ints as integer, larger ones as before

    def connect(dbapi_connection, _record):
        dbapi_connection.adapters.register_dumper(int, IntegerDumper)
        dbapi_connection.autocommit = True
        if dbapi_connection.info.timezone is not UTC:  # a server or role whose default zone is another
            dbapi_connection.execute("SET TIME ZONE 'UTC'")

    def checkout(dbapi_connection, record, _proxy):
        idle_since = record.info.get("oscart_checked_in_at")
        try:
            if not dbapi_connection.autocommit:
                dbapi_connection.autocommit = True  # idle after the pool's reset, so psycopg allows the change
            if idle_since is not None and monotonic() - idle_since >= idle_test_seconds:
                dbapi_connection.execute("SELECT 1")
        except Error as error:
            raise DisconnectionError() from error  # the pool replaces the connection and checks out again

    def checkin(_dbapi_connection, record):
        record.info["oscart_checked_in_at"] = monotonic()

    def begin_before_anything_but_reads(_connection, cursor, statement, _parameters, _context, _executemany):
        dbapi_connection = cursor.connection
        if dbapi_connection.autocommit and not (statement[:6].upper() == "SELECT" and " FOR " not in statement
                                                and not isinstance(cursor, ServerCursor)):
            dbapi_connection.autocommit = False

    event.listen(engine, "connect", connect)
    event.listen(engine, "checkout", checkout)
    event.listen(engine, "checkin", checkin)
    event.listen(engine, "before_cursor_execute", begin_before_anything_but_reads)
