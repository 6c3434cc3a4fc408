"""Back up and restore the whole portal: its database holds every record and every file (certificate PDFs,
profile photos, lesson images), so one database backup is a backup of everything.

- SQLite: SQLite's online backup API copies a consistent snapshot while the portal runs, including what is
  still in the write-ahead log; the backup is a plain SQLite file, checked before it is kept or restored.
- PostgreSQL: ``pg_dump --format=custom`` and ``pg_restore --no-owner --clean --if-exists`` in one transaction,
  connected as the configured URL says; the password goes through ``PGPASSWORD``, never the command line.

A restore refuses a database that already has tables unless forced, and afterwards reports whether the restored
database needs ``flask db upgrade`` for this version of the portal.
"""

import os
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

import click
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import inspect

from oscart.core.extensions import db

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
KINDS = {"sqlite": "an SQLite", "postgresql": "a PostgreSQL"}


class BackupError(Exception):
    """A backup or restore that cannot be done; the message tells the operator why."""


def create_backup(engine, path):
    """Write a backup of the database behind ``engine`` to ``path`` (replaced only once the backup is whole)."""
    path = Path(path)
    if engine.dialect.name == "sqlite":
        _write_atomically(path, lambda part: _sqlite_backup(_sqlite_file(engine, path), part))
    elif engine.dialect.name == "postgresql":
        _write_atomically(path, lambda part: _run("pg_dump", "--format=custom", f"--file={part}",
                                                  f"--dbname={_conninfo(engine.url)}", url=engine.url))
    else:
        raise BackupError(f"Backups of {engine.dialect.name} databases are not supported.")


def restore_backup(engine, path, *, force=False):
    """Replace the database behind ``engine`` by the backup in ``path``; refuse one with tables unless ``force``."""
    path = Path(path)
    kind = _backup_kind(path)
    if kind != engine.dialect.name:
        raise BackupError(f"{path} is {KINDS[kind]} backup, but the configured database is "
                          f"{KINDS.get(engine.dialect.name, 'a ' + engine.dialect.name)} database.")
    tables = inspect(engine).get_table_names()
    engine.dispose()
    if tables and not force:
        raise BackupError(f"The database already has {len(tables)} tables (e.g. {sorted(tables)[0]}); nothing was "
                          "restored. Restore into an empty database, or add --force to replace its contents.")
    if kind == "sqlite":
        _sqlite_restore(path, _sqlite_file(engine, path))
    else:
        _run("pg_restore", "--no-owner", "--clean", "--if-exists", "--single-transaction",
             f"--dbname={_conninfo(engine.url)}", str(path), url=engine.url)
    engine.dispose()  # pooled connections must not keep what they cached about the replaced schema


def migration_advice(engine, migrations_dir):
    """One sentence on the database's Alembic revision compared with the migrations of this version."""
    with engine.connect() as conn:
        current = set(MigrationContext.configure(conn).get_current_heads())
    script = ScriptDirectory(str(migrations_dir))
    heads = set(script.get_heads())
    named = ", ".join(sorted(current))
    if not current:
        return ("The database records no migration revision (no alembic_version table). If it was made by this "
                "version of the portal, record that with `flask --app app db stamp head`.")
    if current == heads:
        return f"Migration revision {named} is the latest: no `flask --app app db upgrade` needed."
    try:
        for revision in current:
            script.get_revision(revision)
    except CommandError:
        return (f"Migration revision {named} is unknown to this version of the portal: the backup comes from a "
                "newer version. Run that version (or a later one) on this database.")
    return (f"Migration revision {named} is older than this version's {', '.join(sorted(heads))}: "
            "run `flask --app app db upgrade`.")


def _sqlite_file(engine, other):
    name = engine.url.database
    if not name or name == ":memory:" or name.startswith("file:"):
        raise BackupError("The configured SQLite database is not a file; there is nothing to back up or restore.")
    database = Path(name).resolve()
    if Path(other).resolve() in {database, *(database.with_name(database.name + s) for s in ("-wal", "-shm"))}:
        raise BackupError(f"{other} is the database itself; choose a path outside it.")
    return database


def _sqlite_backup(database, part):
    if not database.exists():
        raise BackupError(f"The database {database} does not exist.")
    source = sqlite3.connect(database, timeout=30)
    target = sqlite3.connect(part)
    try:
        source.backup(target)  # one step: a single read snapshot, so writers in other connections go on
        target.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no write-ahead log beside it
        _check_sqlite(target, part)
    finally:
        target.close()
        source.close()


def _sqlite_restore(path, database):
    source = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    target = sqlite3.connect(database, timeout=30)
    try:
        _check_sqlite(source, path)
        source.backup(target)
    finally:
        target.close()
        source.close()


def _check_sqlite(conn, path):
    try:
        verdict = conn.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.DatabaseError as error:
        raise BackupError(f"{path} is not a usable SQLite database: {error}") from error
    if verdict != "ok":
        raise BackupError(f"{path} is damaged: {verdict}")


def _write_atomically(path, write):
    if path.is_dir():
        raise BackupError(f"{path} is a folder; give the name of the backup file.")
    if not path.parent.is_dir():
        raise BackupError(f"The folder {path.parent} does not exist.")
    fd, part = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")  # mode 0600
    os.close(fd)
    try:
        write(part)
        os.replace(part, path)
    finally:
        if os.path.exists(part):
            os.unlink(part)


def _backup_kind(path):
    try:
        with open(path, "rb") as file:
            start = file.read(len(SQLITE_MAGIC))
    except OSError as error:
        raise BackupError(f"Cannot read {path}: {error.strerror}.") from error
    if start.startswith(SQLITE_MAGIC):
        return "sqlite"
    if start.startswith(PG_DUMP_MAGIC):
        return "postgresql"
    raise BackupError(f"{path} is neither an SQLite backup nor a PostgreSQL custom-format dump.")


def _conninfo(url):
    """A libpq connection string for ``url`` without its password."""
    fields = {"host": url.host, "port": url.port, "user": url.username, "dbname": url.database, **url.query}
    return " ".join(f"{key}={_quoted(value)}" for key, value in fields.items() if value is not None)


def _quoted(value):
    value = value[-1] if isinstance(value, tuple) else str(value)
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _run(program, *args, url):
    executable = shutil.which(program)
    if executable is None:
        raise BackupError(f"{program} is not installed: install the PostgreSQL client tools of the server's major "
                          "version or later (Debian: apt-get install postgresql-client).")
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = url.password
    done = subprocess.run([executable, *args], env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise BackupError(f"{program} failed (exit status {done.returncode}): {done.stderr.strip()}")


def _shown(engine):
    return engine.url.render_as_string(hide_password=True)


backup_cli = AppGroup("backup", help="Back up and restore the database (every record and file of the portal).")


@backup_cli.command("create")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def create(path):
    """Write a backup of the configured database to PATH (SQLite file or PostgreSQL custom-format dump)."""
    try:
        create_backup(db.engine, path)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Backed up {_shown(db.engine)} to {path} ({path.stat().st_size} bytes).")


@backup_cli.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace the contents of a database that already has tables.")
def restore(path, force):
    """Restore the backup in PATH into the configured database (stop the portal and its workers first)."""
    try:
        restore_backup(db.engine, path, force=force)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Restored {path} into {_shown(db.engine)}.")
    click.echo(migration_advice(db.engine, current_app.extensions["migrate"].directory))
