"""Shared column types and mixins, and helpers for the statements of the busiest pages."""

from datetime import UTC, datetime
from functools import lru_cache

from sqlalchemy import DateTime, TypeDecorator, event
from sqlalchemy.orm import Mapped, mapped_column

from oscart.exceptions import NotFound
from oscart.extensions import db


def utcnow():
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every backend (SQLite stores naive values)."""

    impl = DateTime(timezone=True)
    cache_ok = True

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


def use_write_ahead_log(dbapi_connection, _record):
    """SQLite in write-ahead-log mode: readers in other workers do not wait for a writer, and a read
    transaction costs two file locks instead of a lock, stat and read cycle."""
    dbapi_connection.execute("PRAGMA journal_mode=WAL")


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
    if session.new or session.dirty or session.deleted:
        session.flush()
    return session.connection().execute(statement, params or {}).all()


# --- Ending read-only transactions ------------------------------------------------------------------
# A request's transaction ends with ROLLBACK when Flask-SQLAlchemy removes the session. On PostgreSQL, psycopg
# then forgets the statements it had prepared on the server, so every query is parsed and planned again.
# A transaction that sent nothing but SELECTs is ended with COMMIT instead: the same outcome, and the prepared
# statements stay.

def track_writes(engine):
    """Remember per connection whether the current transaction sent anything other than a SELECT."""
    event.listen(engine, "begin", _transaction_began)
    event.listen(engine, "before_cursor_execute", _statement_sent)


def _transaction_began(connection):
    connection.info["oscart_wrote"] = False


def _statement_sent(connection, _cursor, statement, _parameters, _context, _executemany):
    if not connection.info.get("oscart_wrote") and statement.lstrip()[:6].upper() != "SELECT":
        connection.info["oscart_wrote"] = True


def end_read_only_transaction(error=None):
    """Teardown: COMMIT a transaction that only read (nothing pending, nothing sent but SELECTs)."""
    if error is not None:
        return
    session = db.session()
    if not session.in_transaction() or session.new or session.dirty or session.deleted:
        return
    if session.connection().info.get("oscart_wrote", True):
        return
    # Nothing changed, so nothing needs reloading: objects keep their state, as when the session is closed
    # (a streamed response may still read them after the request's teardown).
    expire, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expire
