from datetime import timedelta

import pytest
from sqlalchemy import bindparam, select, text

from oscart.companies.models import Company
from oscart.database import get_or_raise, prepared, rows, utcnow
from oscart.exceptions import NotFound
from oscart.extensions import db
from oscart.pagination import paginate
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


def test_paginate_a_prepared_statement_counts_and_slices_with_bound_values():
    for index in range(7):
        make_company(name=f"Paged {index}")
    make_company(name="Other")
    page = paginate(_companies_named(True), 2, per_page=3, params={"prefix": "Paged%"})
    assert page.total == 7 and page.pages == 3
    assert [row.name for row in page.items] == ["Paged 3", "Paged 4", "Paged 5"]
    again = paginate(_companies_named(True), 3, per_page=3, params={"prefix": "Paged%"})
    assert [row.name for row in again.items] == ["Paged 6"]


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
    """Run ``work`` in a request of its own, end it like Flask does, and return its session's fate."""
    from oscart.database import end_read_only_transaction

    with app.test_request_context():
        work()
        end_read_only_transaction(None)
        ended = not db.session().in_transaction()
        db.session.remove()  # what Flask-SQLAlchemy does next: rolls back whatever is left
    return ended


def test_read_only_request_ends_with_commit(app):
    def read():
        assert db.session.execute(select(Company.id)).all() is not None

    assert _end_of_request(app, read) is True


def test_written_but_uncommitted_changes_are_never_committed_at_the_end(app):
    def write_flushed():
        db.session.add(Company(name="Flushed only", default_language="nl"))
        db.session.flush()

    def write_pending():
        db.session.add(Company(name="Pending only", default_language="nl"))

    def write_raw():
        db.session.execute(text("UPDATE company SET name = 'Renamed' WHERE name = 'Kept'"))

    make_company(name="Kept")
    assert _end_of_request(app, write_flushed) is False
    assert _end_of_request(app, write_pending) is False
    assert _end_of_request(app, write_raw) is False
    names = set(db.session.scalars(select(Company.name)))
    assert "Kept" in names and not names & {"Flushed only", "Pending only", "Renamed"}


def test_a_failed_request_is_not_committed(app):
    from oscart.database import end_read_only_transaction

    with app.test_request_context():
        db.session.execute(select(Company.id)).all()
        end_read_only_transaction(RuntimeError("boom"))
        assert db.session().in_transaction()
        db.session.remove()



def test_objects_stay_readable_after_a_read_only_request_ends(app):
    from oscart.database import end_read_only_transaction

    make_company(name="Readable")
    with app.test_request_context():
        company = db.session.scalar(select(Company).where(Company.name == "Readable"))
        end_read_only_transaction(None)
        db.session.remove()
        assert company.name == "Readable"  # detached, not expired: a streamed body may still use it
