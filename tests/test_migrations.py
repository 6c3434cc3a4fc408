"""The migrations build exactly the schema the models describe, and never depend on application code."""

import ast
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, migrate, upgrade

from oscart import create_app
from oscart.audit.chain import GENESIS, compute_hash
from oscart.audit.models import AuditChainHead, AuditEvent
from oscart.core.extensions import db

MIGRATIONS = Path(__file__).resolve().parents[1] / "migrations"


@pytest.fixture
def migration_database(app, tmp_path):
    """URL of an empty database of the kind the suite runs on (a new SQLite file or PostgreSQL database)."""
    url = sa.make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrated.db'}"
        return
    name = f"mig_{url.database}"[:63]
    server = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with server.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    server.dispose()


def schema_differences():
    with db.engine.connect() as conn:
        return compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), db.metadata)


def test_migrations_match_models(migration_database):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": migration_database})
    with app.app_context():
        upgrade()
        diff = schema_differences()
        db.engine.dispose()
    assert diff == []


def test_migrations_go_down_to_an_empty_database_and_up_again(migration_database):
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": migration_database})
    with app.app_context():
        upgrade()
        downgrade(revision="base")
        tables = set(sa.inspect(db.engine).get_table_names())
        upgrade()
        diff = schema_differences()
        db.engine.dispose()
    assert (tables, diff) == ({"alembic_version"}, [])


def imported_modules(path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            yield node.module or ""


@pytest.mark.parametrize("path", [*sorted((MIGRATIONS / "versions").glob("*.py")), MIGRATIONS / "env.py"],
                         ids=lambda path: path.name)
def test_no_migration_imports_application_code(path):
    """A migration runs years later against the application of that day: it copies what it needs instead."""
    assert [name for name in imported_modules(path) if name.split(".")[0] == "oscart"] == []


def test_a_generated_migration_imports_no_application_code_and_builds_the_models_schema(tmp_path):
    directory = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS, directory, ignore=shutil.ignore_patterns("versions", "__pycache__"))
    (directory / "versions").mkdir()
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'generated.db'}"})
    with app.app_context():
        migrate(directory=str(directory), message="everything")
        [generated] = (directory / "versions").glob("*.py")
        upgrade(directory=str(directory))
        diff = schema_differences()
        db.engine.dispose()
    assert "oscart" not in generated.read_text()
    assert diff == []


def test_audit_events_recorded_before_the_chain_are_linked_as_the_application_checks_them(migration_database):
    events = sa.table("audit_event", sa.column("at", sa.DateTime(timezone=True)), sa.column("action", sa.String),
                      sa.column("target", sa.String), sa.column("details", sa.JSON))
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": migration_database})
    with app.app_context():
        upgrade(revision="9f76addb83a8")  # the revision before the hash chain
        with db.engine.begin() as conn:
            conn.execute(events.insert(), [
                {"at": datetime(2026, 1, 5, 9, 30, 1, 250000, tzinfo=UTC), "action": "company.created",
                 "target": "company:1", "details": {"name": "Acme"}},
                {"at": datetime(2026, 1, 5, 9, 31, tzinfo=UTC), "action": "user.created", "target": "user:1",
                 "details": {}},
            ])
        upgrade()
        sealed = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.seq)).all()
        head = db.session.get(AuditChainHead, 1)
        links = [(event.seq, event.key_id, compute_hash(event.prev_hash, event) == event.hash) for event in sealed]
        chained = [event.prev_hash for event in sealed] == [GENESIS, sealed[0].hash]
        assert (head.last_seq, head.last_hash) == (2, sealed[1].hash)
        db.session.remove()
        db.engine.dispose()
    assert links == [(1, None, True), (2, None, True)]
    assert chained


def test_existing_course_texts_become_searchable_when_the_search_column_is_added(tmp_path):
    from sqlalchemy import text

    url = f"sqlite:///{tmp_path / 'migrated.db'}"
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade(revision="24589ed106cd")  # the revision before the search column
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO course (id, code, format, duration_hours, status, default_language, "
                              "is_global, completion_rule, attendance_threshold_percent, created_at, updated_at) "
                              "VALUES (1, 'S1', 'elearning', 1, 'published', 'fr', 1, 'lessons', 100, "
                              "'2026-01-01', '2026-01-01')"))
            conn.execute(text("INSERT INTO course_translation (course_id, language, title, summary, updated_at) "
                              "VALUES (1, 'fr', 'Sécurité au Travail', 'Prévention', '2026-01-01')"))
        upgrade()
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT search_text FROM course_translation")).scalar() == \
                "securite au travail prevention"
        db.engine.dispose()


def test_existing_two_step_secrets_are_encrypted_by_the_upgrade_and_decrypted_by_the_downgrade(tmp_path):
    from flask_migrate import downgrade
    from sqlalchemy import text

    from oscart.core.encryption import decrypt

    url = f"sqlite:///{tmp_path / 'migrated.db'}"
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade(revision="b51b4414dfc7")  # the revision before the encryption
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO user (id, email, first_name, last_name, language, role, is_active, "
                              "failed_login_count, password_changed_at, created_at, updated_at, two_step_secret) "
                              "VALUES (1, 'a@example.com', 'A', 'B', 'nl', 'trainee', 1, 0, '2026-01-01', "
                              "'2026-01-01', '2026-01-01', 'JBSWY3DPEHPK3PXP')"))
        upgrade()
        with db.engine.connect() as conn:
            stored = conn.execute(text("SELECT two_step_secret FROM user")).scalar()
        assert stored != "JBSWY3DPEHPK3PXP" and decrypt(stored) == "JBSWY3DPEHPK3PXP"
        downgrade(revision="b51b4414dfc7")
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT two_step_secret FROM user")).scalar() == "JBSWY3DPEHPK3PXP"
        db.engine.dispose()
