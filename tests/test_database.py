from datetime import timedelta

import pytest
from sqlalchemy import bindparam, func, literal, select, text

from oscart.companies.models import Company
from oscart.core.database import LIKE_ESCAPE, SelectsInOne, contains_pattern, get_or_raise, prepared, rows, utcnow
from oscart.core.exceptions import NotFound
from oscart.core.extensions import db
from oscart.core.pagination import paginate
from tests.factories import make_company


def test_get_or_raise_returns_the_row():
    company = make_company(name="Initech")
    assert get_or_raise(Company, company.id).name == "Initech"


def test_get_or_raise_turns_a_missing_id_into_not_found():
    with pytest.raises(NotFound):
        get_or_raise(Company, 987654)


@prepared
def _companies_named(prefix_only):
    query = select(Company.id, Company.name).order_by(Company.name)
    return query.where(Company.name.like(bindparam("prefix"))) if prefix_only else query


def test_prepared_statement_is_built_once_per_shape_and_bound_per_call():
    assert _companies_named(True) is _companies_named(True)
    assert _companies_named(True) is not _companies_named(False)
    for name in ("Alpha", "Albatros", "Beta"):
        make_company(name=name)
    assert [row.name for row in rows(_companies_named(True), {"prefix": "Al%"})] == ["Albatros", "Alpha"]
    assert [row.name for row in rows(_companies_named(True), {"prefix": "B%"})] == ["Beta"]


def test_rows_sees_changes_not_yet_flushed_like_autoflush():
    db.session.add(Company(name="Pending NV", default_language="nl"))
    assert [row.name for row in rows(_companies_named(True), {"prefix": "Pending%"})] == ["Pending NV"]
    db.session.rollback()



@prepared
def _company_lists():
    return SelectsInOne(
        newest=(select(Company.name, Company.created_at).where(Company.name.like(bindparam("prefix"))).limit(2),
                (Company.created_at.desc(), Company.id.desc())),
        active=(select(Company.id, Company.is_active, Company.vat_number).where(Company.is_active.is_(True)),
                (Company.name,)),
        named=(select(Company.default_language).where(Company.name == bindparam("name")), (Company.id,)),
    )


def test_selects_in_one_reads_each_part_in_its_own_order_with_its_own_types(count_queries):
    now = utcnow()
    for offset, name in enumerate(["Zeta", "Alpha", "Mid"]):
        make_company(name=f"Listed {name}", created_at=now - timedelta(days=offset), vat_number=f"BE0{offset}")
    make_company(name="Dormant", is_active=False)
    with count_queries() as counter:
        found = _company_lists().rows({"prefix": "Listed%", "name": "Nobody"})
    assert counter.count == 1
    assert [(row.name, row.created_at) for row in found["newest"]] == [
        ("Listed Zeta", now), ("Listed Alpha", now - timedelta(days=1))]  # the part's LIMIT, in its order
    assert [(row.vat_number, row.is_active) for row in found["active"]] == [
        ("BE01", True), ("BE02", True), ("BE00", True)]  # by name; booleans stay booleans on SQLite
    assert found["named"] == []
    assert found["newest"][0]._fields == ("name", "created_at")


def test_paginate_a_prepared_statement_counts_and_slices_with_bound_values(count_queries):
    for index in range(7):
        make_company(name=f"Paged {index}")
    make_company(name="Other")
    with count_queries() as counter:
        page = paginate(_companies_named(True), 2, per_page=3, params={"prefix": "Paged%"})
    assert counter.count == 1  # the rows and the total in one statement
    assert page.total == 7 and page.pages == 3 and page.has_prev and page.has_next
    assert [row.name for row in page.items] == ["Paged 3", "Paged 4", "Paged 5"]
    again = paginate(_companies_named(True), 3, per_page=3, params={"prefix": "Paged%"})
    assert [row.name for row in again.items] == ["Paged 6"] and again.total == 7 and not again.has_next


def test_paginate_beyond_the_last_page_still_knows_the_total():
    for index in range(4):
        make_company(name=f"Paged {index}")
    page = paginate(_companies_named(True), 9, per_page=3, params={"prefix": "Paged%"})
    assert page.items == [] and page.total == 4 and page.pages == 2
    nothing = paginate(_companies_named(True), 1, per_page=3, params={"prefix": "Nobody%"})
    assert nothing.items == [] and nothing.total == 0 and nothing.pages == 1 and not nothing.has_next


def _with_initials(page):
    # Each company of the page twice: as an expansion that multiplies the page's rows.
    initials = select(Company.id.label("company_id"), func.substr(Company.name, 1, 1).label("initial"))
    twice = initials.union_all(initials.with_only_columns(Company.id, func.lower(func.substr(Company.name, 1, 1))))
    twice = twice.subquery()
    return (select(page, twice.c.initial).join(twice, twice.c.company_id == page.c.id)
            .order_by(page.c.name, twice.c.initial))


def test_paginate_expand_runs_on_the_page_not_on_the_expanded_rows(count_queries):
    for name in ("Alpha", "Beta", "Gamma", "Delta"):
        make_company(name=name)
    with count_queries() as counter:
        page = paginate(_companies_named(False), 1, per_page=3, params={}, expand=_with_initials)
    assert counter.count == 1 and page.total == 4 and page.pages == 2
    assert [(row.name, row.initial) for row in page.items] == [
        ("Alpha", "A"), ("Alpha", "a"), ("Beta", "B"), ("Beta", "b"), ("Delta", "D"), ("Delta", "d")]
    beyond = paginate(_companies_named(False), 3, per_page=3, params={}, expand=_with_initials)
    assert beyond.items == [] and beyond.total == 4


def test_bound_datetimes_keep_their_column_type():
    # A prepared comparison with a UTCDateTime column still converts an aware datetime on every backend.
    from oscart.auth.services import load_session, start_session
    from tests.factories import make_user

    user = make_user(company=make_company())
    record = start_session(user, remember=False, ip="127.0.0.1", user_agent="pytest")
    db.session.commit()
    assert load_session(record.token).id == user.id
    assert load_session(record.token, now=utcnow() + timedelta(days=400)) is None
    assert load_session("not-a-token") is None


def test_sqlite_runs_in_write_ahead_log_mode():
    if db.engine.dialect.name != "sqlite":
        pytest.skip("write-ahead log is an SQLite setting; this run uses " + db.engine.dialect.name)
    assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"


def _end_of_request(app, work):
    """Run ``work`` in a request of its own and end it as Flask-SQLAlchemy does (the session is removed)."""
    with app.test_request_context():
        work()
        db.session.remove()


def test_written_but_uncommitted_changes_are_never_committed_at_the_end(app):
    def write_flushed():
        db.session.add(Company(name="Flushed only", default_language="nl"))
        db.session.flush()

    def read_then_write():
        assert db.session.execute(select(Company.id)).all()
        db.session.add(Company(name="After a read", default_language="nl"))
        db.session.flush()

    def write_pending():
        db.session.add(Company(name="Pending only", default_language="nl"))

    def write_raw():
        db.session.execute(text("UPDATE company SET name = 'Renamed' WHERE name = 'Kept'"))

    make_company(name="Kept")
    for work in (write_flushed, read_then_write, write_pending, write_raw):
        _end_of_request(app, work)
    names = set(db.session.scalars(select(Company.name)))
    assert "Kept" in names and not names & {"Flushed only", "After a read", "Pending only", "Renamed"}


def test_a_rollback_after_reads_and_writes_undoes_every_write():
    make_company(name="Before")
    db.session.commit()
    assert db.session.scalar(select(Company.name).where(Company.name == "Before")) == "Before"
    db.session.execute(text("UPDATE company SET name = 'Changed' WHERE name = 'Before'"))
    db.session.add(Company(name="Added", default_language="nl"))
    db.session.flush()
    assert set(db.session.scalars(select(Company.name))) >= {"Changed", "Added"}  # the transaction sees its writes
    db.session.rollback()
    assert set(db.session.scalars(select(Company.name))) == {"Before"}


def test_objects_stay_readable_after_a_request_ends(app):
    make_company(name="Readable")
    db.session.commit()
    with app.test_request_context():
        company = db.session.scalar(select(Company).where(Company.name == "Readable"))
        db.session.remove()
        assert company.name == "Readable"  # detached, not expired: a streamed body may still use it


def _postgresql_connection():
    if db.engine.dialect.name != "postgresql":
        pytest.skip("reads outside a transaction are a PostgreSQL setting; this run uses " + db.engine.dialect.name)
    return db.session.connection().connection.dbapi_connection


def _in_transaction(connection):
    from psycopg.pq import TransactionStatus

    return connection.pgconn.transaction_status != TransactionStatus.IDLE


def test_postgresql_reads_run_outside_a_transaction():
    connection = _postgresql_connection()
    assert db.session.execute(select(Company.id)).all() == []
    assert connection.autocommit and not _in_transaction(connection)  # no BEGIN, nothing to end


def test_postgresql_a_write_opens_a_transaction_that_lasts_until_commit():
    connection = _postgresql_connection()
    db.session.add(Company(name="Written", default_language="nl"))
    db.session.flush()
    assert _in_transaction(connection)
    db.session.execute(select(Company.id)).all()
    assert _in_transaction(connection)  # later reads see the uncommitted write, in the same transaction
    db.session.commit()
    assert _postgresql_connection().autocommit  # the next checkout reads outside a transaction again
    assert db.session.scalar(select(Company.name)) == "Written"


def test_postgresql_a_locking_read_opens_a_transaction():
    make_company(name="Locked")
    db.session.commit()
    connection = _postgresql_connection()
    db.session.execute(select(Company.id).with_for_update()).all()
    assert _in_transaction(connection)  # the row lock is held until the end of the request's transaction
    db.session.rollback()


def test_postgresql_a_streamed_read_opens_a_transaction():
    for index in range(3):
        make_company(name=f"Streamed {index}")
    db.session.commit()
    connection = _postgresql_connection()
    result = db.session.execute(select(Company.name).order_by(Company.name).execution_options(yield_per=2))
    assert [name for (name,) in result] == ["Streamed 0", "Streamed 1", "Streamed 2"]  # a server-side cursor
    assert _in_transaction(connection)
    db.session.rollback()


def _backend_pid():
    pid = db.session.execute(text("SELECT pg_backend_pid()")).scalar()
    db.session.remove()  # back to the pool
    return pid


def _terminate(pid):
    """End the server process of one pooled connection, as a server restart or an idle timeout would."""
    import psycopg

    with psycopg.connect(db.engine.url.set(drivername="postgresql").render_as_string(hide_password=False),
                         autocommit=True) as other:
        assert other.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone()[0]


def test_postgresql_a_connection_dropped_while_idle_is_replaced_before_use(make_app):
    _postgresql_connection()
    with make_app(DATABASE_IDLE_TEST_SECONDS=0).app_context():
        pid = _backend_pid()
        _terminate(pid)
        assert _backend_pid() != pid  # tested at checkout, replaced, and the request never saw it


def test_postgresql_a_connection_in_steady_use_is_not_tested_and_fails_once_when_dropped(make_app):
    from sqlalchemy.exc import OperationalError

    _postgresql_connection()
    with make_app(DATABASE_IDLE_TEST_SECONDS=3600).app_context():
        pid = _backend_pid()
        _terminate(pid)
        with pytest.raises(OperationalError):
            _backend_pid()
        db.session.remove()
        assert _backend_pid() != pid  # the pool replaced the broken connection for the next request


def test_postgresql_small_ints_are_sent_as_integer_not_smallint():
    # A smallint parameter kept PostgreSQL from reusing the catalogue's prepared plan (planned anew each time).
    _postgresql_connection()
    assert db.session.execute(text("SELECT pg_typeof(:n)::text"), {"n": 7}).scalar() == "integer"
    assert db.session.execute(text("SELECT pg_typeof(:n)::text"), {"n": 70_000}).scalar() == "integer"
    assert db.session.execute(text("SELECT pg_typeof(:n)::text"), {"n": 2**40}).scalar() == "bigint"


def test_postgresql_connections_run_in_utc_and_read_utc_datetimes():
    from datetime import UTC, datetime

    _postgresql_connection()
    assert db.session.execute(text("SHOW TimeZone")).scalar() == "UTC"
    company = make_company(name="Zoned")
    company.created_at = datetime(2026, 3, 29, 1, 30, tzinfo=UTC)  # the night Brussels moves to summer time
    db.session.commit()
    db.session.expire_all()
    read = db.session.scalar(select(Company.created_at).where(Company.name == "Zoned"))
    assert read == datetime(2026, 3, 29, 1, 30, tzinfo=UTC) and read.tzinfo is UTC


def test_contains_pattern_matches_percent_underscore_and_the_escape_as_typed(app):
    def matches(text, typed):
        return db.session.scalar(select(literal(text).like(contains_pattern(typed), escape=LIKE_ESCAPE)))

    assert contains_pattern("5_%/") == "%5/_/%//%"
    assert matches("50% off", "50%") and not matches("500 off", "50%")
    assert matches("first_last", "t_l") and not matches("firstxlast", "t_l")
    assert matches("a/b", "a/b") and not matches("ab", "a/b")
