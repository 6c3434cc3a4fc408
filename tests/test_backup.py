"""Backups: `flask backup create` and `flask backup restore` give back every record and every stored file (certificate
PDFs, photos) in an empty database of the same kind; a database with tables is only replaced with --force."""

import hashlib
import io
import sqlite3

import pytest
from PIL import Image
from sqlalchemy import create_engine, insert, inspect, make_url, select, text

from oscart.accounts.models import User
from oscart.accounts.photo import set_photo
from oscart.certificates.models import Certificate
from oscart.companies.models import Company
from oscart.core import backup
from oscart.core.extensions import db
from tests.factories import make_certificate, make_company, make_user


@pytest.fixture
def empty_database(app, make_app, tmp_path):
    """An app on a second, empty database of the kind the suite runs on (a new SQLite file or PostgreSQL database)."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() == "sqlite":
        yield make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'restored.db'}")
        return
    name = f"bk_restore_{url.database}"[:63]
    server = create_engine(url, isolation_level="AUTOCOMMIT")
    with server.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    other = make_app(SQLALCHEMY_DATABASE_URI=url.set(database=name).render_as_string(hide_password=False))
    yield other
    with other.app_context():
        db.engine.dispose()
    with server.connect() as conn:
        conn.execute(text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    server.dispose()


@pytest.fixture
def seeded(runner):
    """The demo data, plus a trainee with a profile photo and an issued certificate."""
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    person = make_user(company=make_company(), language="en")
    set_photo(person, jpeg(), max_bytes=1024 * 1024)
    db.session.commit()
    make_certificate(person)


def jpeg():
    out = io.BytesIO()
    Image.new("RGB", (320, 240), (30, 120, 200)).save(out, "JPEG")
    return out.getvalue()


def snapshot(flask_app):
    """Every row of every table, in primary-key order."""
    with flask_app.app_context(), db.engine.connect() as conn:
        return {table.name: conn.execute(select(table).order_by(*table.primary_key.columns)).all()
                for table in db.metadata.sorted_tables}


def stored_files(flask_app):
    """({certificate id: (sha256 of its PDF, the sha256 stored with it)}, {user id: photo bytes})."""
    with flask_app.app_context(), db.engine.connect() as conn:
        pdfs = {row.id: (hashlib.sha256(row.pdf).hexdigest(), row.pdf_sha256)
                for row in conn.execute(select(Certificate.id, Certificate.pdf, Certificate.pdf_sha256))}
        photos = dict(conn.execute(select(User.id, User.photo).where(User.photo.is_not(None))).all())
    return pdfs, photos


def company_names(flask_app):
    with flask_app.app_context(), db.engine.connect() as conn:
        return set(conn.scalars(select(Company.name)))


def backup_command(flask_app, *args):
    """Run `flask backup …` on ``flask_app`` (the CLI uses the app whose context is current)."""
    with flask_app.app_context():
        return flask_app.test_cli_runner().invoke(args=["backup", *args])


def restore(flask_app, path, *options):
    return backup_command(flask_app, "restore", str(path), *options)


def test_a_restore_into_an_empty_database_finds_the_same_records_and_file_bytes(app, runner, seeded, empty_database,
                                                                               tmp_path):
    path = tmp_path / "oscart.backup"
    created = runner.invoke(args=["backup", "create", str(path)])
    assert created.exit_code == 0, created.output
    with empty_database.app_context():
        assert inspect(db.engine).get_table_names() == []

    restored = restore(empty_database, path)

    assert restored.exit_code == 0, restored.output
    before, after = snapshot(app), snapshot(empty_database)
    assert {name: len(rows) for name, rows in after.items()} == {name: len(rows) for name, rows in before.items()}
    assert after == before
    pdfs, photos = stored_files(empty_database)
    assert pdfs and photos
    assert (pdfs, photos) == stored_files(app)
    assert all(computed == stored for computed, stored in pdfs.values())
    assert "no migration revision" in restored.output  # the test schema is made by create_all, not migrations


def test_a_restored_database_takes_new_records(runner, empty_database, tmp_path):
    make_user(company=make_company(name="In the backup"))
    path = tmp_path / "oscart.backup"
    assert runner.invoke(args=["backup", "create", str(path)]).exit_code == 0
    assert restore(empty_database, path).exit_code == 0

    with empty_database.app_context():  # ids continue after the restored ones (PostgreSQL: sequences restored)
        make_user(company=make_company(name="After the restore"))

    assert company_names(empty_database) == {"In the backup", "After the restore"}


def test_a_restore_refuses_a_database_with_tables_without_force(runner, empty_database, tmp_path):
    make_company(name="In the backup")
    path = tmp_path / "oscart.backup"
    assert runner.invoke(args=["backup", "create", str(path)]).exit_code == 0
    with empty_database.app_context():
        db.create_all()
        make_company(name="Only in the target")

    refused = restore(empty_database, path)

    assert refused.exit_code == 1
    assert "already has" in refused.output and "--force" in refused.output
    assert company_names(empty_database) == {"Only in the target"}


def test_a_restore_with_force_replaces_the_contents(runner, empty_database, tmp_path):
    make_company(name="In the backup")
    path = tmp_path / "oscart.backup"
    assert runner.invoke(args=["backup", "create", str(path)]).exit_code == 0
    with empty_database.app_context():
        db.create_all()
        make_company(name="Only in the target")

    replaced = restore(empty_database, path, "--force")

    assert replaced.exit_code == 0, replaced.output
    assert company_names(empty_database) == {"In the backup"}


def test_a_file_that_is_no_backup_is_refused_and_the_database_kept(empty_database, tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("not a backup")
    with empty_database.app_context():
        db.create_all()
        make_company(name="Kept")

    refused = restore(empty_database, path, "--force")

    assert refused.exit_code == 1
    assert "neither an SQLite backup nor a PostgreSQL" in refused.output
    assert company_names(empty_database) == {"Kept"}


def test_an_sqlite_backup_taken_while_another_connection_writes_holds_only_committed_changes(runner, tmp_path):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("the online backup API is SQLite's; this run uses " + db.engine.dialect.name)
    make_company(name="Committed")  # still in the write-ahead log: a copy of the database file alone misses it
    path = tmp_path / "oscart.backup"
    with db.engine.connect() as writer:
        writer.execute(insert(Company).values(name="Half written"))
        company_id = writer.scalar(select(Company.id).where(Company.name == "Half written"))
        writer.execute(insert(User).values(email="half@example.com", first_name="H", last_name="W", language="nl",
                                           role="trainee", company_id=company_id))

        result = runner.invoke(args=["backup", "create", str(path)])  # while the writer's transaction is open
        writer.commit()

    assert result.exit_code == 0, result.output
    copy = sqlite3.connect(path)
    try:
        assert copy.execute("SELECT name FROM company").fetchall() == [("Committed",)]
        assert copy.execute("SELECT count(*) FROM user WHERE email = 'half@example.com'").fetchone() == (0,)
        assert copy.execute("PRAGMA journal_mode").fetchone() == ("delete",)  # one self-contained file
    finally:
        copy.close()


@pytest.mark.parametrize("migrated_to, recorded, advice", [
    ("heads", None, "is the latest: no `flask --app app db upgrade` needed"),
    ("24589ed106cd", None, "run `flask --app app db upgrade`"),
    ("heads", "0123456789ab", "unknown to this version of the portal"),  # a backup from a newer version
])
def test_a_restore_says_whether_the_database_needs_an_upgrade(make_app, tmp_path, migrated_to, recorded, advice):
    from flask_migrate import upgrade

    if db.engine.dialect.name != "sqlite":
        pytest.skip("reads migrations on SQLite files of its own; runs in the SQLite pass")
    source = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'migrated.db'}")
    with source.app_context():
        upgrade(revision=migrated_to)
        if recorded:
            with db.engine.begin() as conn:
                conn.execute(text("UPDATE alembic_version SET version_num = :recorded"), {"recorded": recorded})
    path = tmp_path / "oscart.backup"
    assert backup_command(source, "create", str(path)).exit_code == 0

    restored = restore(make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'restored.db'}"), path)

    assert restored.exit_code == 0, restored.output
    assert advice in restored.output


def test_the_postgresql_password_goes_through_the_environment_never_the_command_line(monkeypatch, tmp_path):
    calls = []

    def run(args, *, env, **options):
        calls.append((args, env))
        open(next(arg for arg in args if arg.startswith("--file=")).removeprefix("--file="), "wb").close()
        return type("Done", (), {"returncode": 0, "stderr": ""})()

    monkeypatch.setattr(backup.subprocess, "run", run)
    monkeypatch.setattr(backup.shutil, "which", lambda program: f"/usr/bin/{program}")
    engine = create_engine("postgresql+psycopg://oscart:s3cr'et@db.internal:5433/oscart?sslmode=require")

    backup.create_backup(engine, tmp_path / "oscart.dump")

    [(args, env)] = calls
    assert not any("s3cr" in arg for arg in args)
    assert env["PGPASSWORD"] == "s3cr'et"
    assert "--dbname=host='db.internal' port='5433' user='oscart' dbname='oscart' sslmode='require'" in args
