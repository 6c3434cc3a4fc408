"""Check-then-write on something limited holds when requests arrive at the same moment.

Counting the free seats and then registering, counting the attempts and then starting one, checking that a link
is unused and then using it: between the check and the write another worker process may do the same. Such a
service first calls ``lock(parent)`` on the row the limit belongs to (the training session of the seats, the
enrolment of the attempts, the user of a reset link), then checks, then writes. Requests for the same parent
then run one after the other, each seeing what the one before it committed; the view's commit or rollback ends
the lock. Requests for other parents, and every request that only reads, do not wait.

- PostgreSQL: ``SELECT … FOR UPDATE`` of the parent row (oscart.core.database switches the connection from autocommit
  to a transaction before it).
- SQLite has no row locks, and pysqlite begins a transaction only before the first INSERT, UPDATE or DELETE:
  the check would read outside any transaction, and every request would find the last seat free. The parent
  lock therefore takes the database's write lock (``BEGIN IMMEDIATE``) before anything is read, for the rest of
  the transaction; other writers wait for it (the driver's busy timeout), while readers in write-ahead-log mode
  go on reading. A transaction that has already written holds that lock from its first write. Only these
  services take it: ordinary pages keep pysqlite's own transactions, which begin at the first write.

Something used once (a code, a token, a message to send) can instead be claimed with one conditional UPDATE
(``claim``, ``claim_many``). A batch step that several processes may run at once reads its rows through
``unclaimed``.
"""

import weakref

from sqlalchemy import inspect, select

from oscart.core.exceptions import NotFound
from oscart.core.extensions import db

_HELD = "oscart.locking.held"


def lock(parent, *dependents):
    """Hold ``parent``'s row against other writers until the transaction ends; reload ``parent`` and
    ``dependents`` (objects read before the lock) as they are now.

    Pending changes are flushed first. Locking the same parent again in one transaction costs nothing. A parent
    or dependent that another request deleted in the meantime is NotFound, as if it had never been there.
    """
    session = db.session()
    session.flush()
    connection = session.connection()
    held = _held(session)
    key = inspect(parent).identity_key
    if key not in held:
        if connection.dialect.name == "sqlite":
            _take_write_lock(connection)
            _reload(session, parent)
        else:
            _reload(session, parent, for_update=True)
        held.add(key)
    for dependent in dependents:
        _reload(session, dependent)


def unclaimed(query, *, of=None):
    """``query`` for a batch step that several processes may run at once (reminders): each row goes to one.

    PostgreSQL: ``FOR UPDATE SKIP LOCKED`` (rows another process holds until its commit are left out). SQLite: the
    write lock is taken first, so the steps take turns and a later one finds the rows already done.
    """
    session = db.session()
    session.flush()
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        _take_write_lock(connection)
        return query
    return query.with_for_update(skip_locked=True, of=of)


def claim(statement):
    """Run a conditional UPDATE that marks one thing used (``… WHERE used_at IS NULL``); True when this
    request changed it. The database checks the condition and writes in one step under its own lock, so of
    several requests racing for the same thing exactly one gets it."""
    return db.session.execute(statement.execution_options(synchronize_session=False)).rowcount > 0


def claim_many(statement):
    """``claim`` for several rows: a conditional UPDATE … RETURNING; the values returned for the rows this
    request changed (rows another request claimed first no longer match and are left out)."""
    return db.session.scalars(statement.execution_options(synchronize_session=False)).all()


def _reload(session, instance, *, for_update=False):
    state = inspect(instance)
    statement = (select(state.class_).where(*(column == value for column, value
                                              in zip(state.mapper.primary_key, state.identity, strict=True)))
                 .execution_options(populate_existing=True))
    if for_update:
        statement = statement.with_for_update()
    if session.scalar(statement) is None:
        raise NotFound()


def _take_write_lock(connection):
    # pysqlite has begun a transaction only if this one has written already, which took the lock then.
    if not connection.connection.dbapi_connection.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _held(session):
    """The identity keys of the rows locked in the session's current transaction."""
    transaction = session.get_transaction()
    record = session.info.get(_HELD)
    if record is None or record[0]() is not transaction:
        record = session.info[_HELD] = (weakref.ref(transaction), set())
    return record[1]
