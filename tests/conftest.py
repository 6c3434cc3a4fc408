"""Fixtures: an app per test session, a clean database per test, and a browser-like client."""

import os
import tempfile

import pytest
from sqlalchemy import event

from oscart import create_app
from oscart.core.extensions import db, limiter
from oscart.mail import backends
from tests.helpers import Browser, IsolatedClient


def pytest_addoption(parser):
    parser.addoption("--database-url", default=None, help="Run against this database instead of SQLite.")


def _database_url(config):
    url = config.getoption("--database-url")
    if url:
        return url
    fd, path = tempfile.mkstemp(prefix="oscart-test-", suffix=".db")
    os.close(fd)
    return f"sqlite:///{path}"


@pytest.fixture(scope="session")
def app(pytestconfig):
    url = _database_url(pytestconfig)
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    app.test_client_class = IsolatedClient
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
        if url.startswith("sqlite:///"):
            for suffix in ("", "-wal", "-shm"):  # the database and its write-ahead log
                if os.path.exists(url.removeprefix("sqlite:///") + suffix):
                    os.unlink(url.removeprefix("sqlite:///") + suffix)


@pytest.fixture(autouse=True)
def _clean_state(request, app):
    """Each test starts with empty tables, an empty outbox, fresh rate-limit counters and its own config."""
    overrides = {}
    marker = request.node.get_closest_marker("config")
    if marker:
        overrides = marker.kwargs
    saved = {key: app.config.get(key) for key in overrides}
    app.config.update(overrides)
    ctx = app.app_context()
    ctx.push()
    backends.sent_messages.clear()
    limiter.reset()
    yield
    db.session.remove()
    _empty_tables()
    ctx.pop()
    app.config.update(saved)


def _empty_tables():
    # DELETE is much faster than TRUNCATE on the few rows a test leaves behind.
    with db.engine.begin() as conn:
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(table.delete())


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def browser(app):
    """A test client that posts forms with the CSRF token read from the page, as a browser does."""
    return Browser(app.test_client())


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def outbox():
    """Messages handed to the mail transport during the test (email.message.EmailMessage objects)."""
    return backends.sent_messages


@pytest.fixture
def count_queries(app):
    """Context manager counting SQL statements: ``with count_queries() as counter: …; counter.count``."""
    from contextlib import contextmanager

    @contextmanager
    def counting():
        counter = _Counter()
        event.listen(db.engine, "before_cursor_execute", counter)
        try:
            yield counter
        finally:
            event.remove(db.engine, "before_cursor_execute", counter)

    return counting


class _Counter:
    def __init__(self):
        self.statements = []

    def __call__(self, conn, cursor, statement, *args):
        self.statements.append(statement)

    @property
    def count(self):
        return len(self.statements)


@pytest.fixture
def make_app(app):
    """Build another app on the same database, e.g. with other PROXY_FIX_HOPS or limiter storage.

    The rate limiter is one extension object bound to the storage of the app built last, so the
    test app is rebuilt afterwards to give it fresh in-memory storage again.
    """
    built = []

    def make(**config):
        other = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                            **config})
        other.test_client_class = IsolatedClient
        built.append(other)
        return other

    yield make
    for other in built:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()
    if built:
        # Flask-Limiter keeps an app's RATELIMIT_ENABLED=False as its own default for the next init_app.
        limiter.enabled = True
        create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})
        limiter.reset()
