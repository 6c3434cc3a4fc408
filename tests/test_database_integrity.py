"""The database itself refuses what the code assumes never happens: references to missing rows, values outside a
rule, a second row where one must be unique; on SQLite as on PostgreSQL, whatever path the write takes."""

import os
from contextlib import contextmanager
from datetime import timedelta

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import MetaData, inspect, make_url, select, text, update
from sqlalchemy.exc import IntegrityError

from oscart import create_app, import_models
from oscart.core.extensions import db, limiter
from tests.schema_rows import (
    MISSING_ID,
    Rows,
    breaking_rows,
    broken_references,
    check_constraints,
    first_key,
    missing,
    refused,
    row_counts,
    unique_rules,
)

import_models()  # every table in the metadata
FOREIGN_KEYS = [key for table in db.metadata.sorted_tables for key in table.foreign_keys]
CHECKS = check_constraints(db.metadata)
BREAKING_CASES = [(check, values) for check in CHECKS for values in breaking_rows(check)]
UNIQUES = unique_rules(db.metadata)
# Values that put a row under a unique rule whose columns may be empty (NULLs never collide).
UNIQUE_ROWS = {"uq_registration_waitlist_position": {"status": "waitlisted", "position": 1}}


@pytest.fixture
def rows():
    return Rows(db.session.connection())


def _refused_write(statement):
    with pytest.raises(IntegrityError) as error, db.session.begin_nested():
        db.session.execute(statement)
    return error


@pytest.mark.parametrize("key", FOREIGN_KEYS, ids=lambda key: f"{key.parent.table.name}.{key.parent.name}")
def test_a_row_that_refers_to_a_missing_row_is_refused(rows, key):
    table, column = key.parent.table, key.parent.name
    rows.insert(table, fill=[column])  # the same row with a real reference is accepted
    error = _refused_write(table.insert().values(rows.values(table, **{column: missing(key.parent)})))
    assert refused(error, key.constraint.name, sqlite_words=["FOREIGN KEY constraint failed"])


@pytest.mark.parametrize("key", FOREIGN_KEYS, ids=lambda key: f"{key.parent.table.name}.{key.parent.name}")
def test_a_reference_changed_to_a_missing_row_is_refused(rows, key):
    table, column = key.parent.table, key.parent.name
    row_id = rows.insert(table, fill=[column])
    error = _refused_write(update(table).where(first_key(table) == row_id).values({column: missing(key.parent)}))
    assert refused(error, key.constraint.name, sqlite_words=["FOREIGN KEY constraint failed"])


def test_every_check_constraint_is_named_and_has_rows_that_break_it():
    # Batch migrations on SQLite carry only named CHECK constraints over to the rebuilt table.
    assert all(check.name for check in CHECKS)
    assert {check.name for check, _values in BREAKING_CASES} == {check.name for check in CHECKS}


@pytest.mark.parametrize(("check", "values"), BREAKING_CASES,
                         ids=[f"{check.name}-{values}" for check, values in BREAKING_CASES])
def test_a_new_row_that_breaks_a_check_constraint_is_refused(rows, check, values):
    table = check.table
    rows.insert(table)
    error = _refused_write(table.insert().values(rows.values(table, **values)))
    assert refused(error, check.name, sqlite_words=[f"CHECK constraint failed: {check.name}"])


@pytest.mark.parametrize(("check", "values"), BREAKING_CASES,
                         ids=[f"{check.name}-{values}" for check, values in BREAKING_CASES])
def test_a_change_that_breaks_a_check_constraint_is_refused(rows, check, values):
    table = check.table
    row_id = rows.insert(table)
    error = _refused_write(update(table).where(first_key(table) == row_id).values(values))
    assert refused(error, check.name, sqlite_words=[f"CHECK constraint failed: {check.name}"])


@pytest.mark.parametrize(("name", "table", "columns"), UNIQUES, ids=[rule[0] for rule in UNIQUES])
def test_a_second_row_with_the_same_unique_values_is_refused(rows, name, table, columns):
    extra = UNIQUE_ROWS.get(name, {})
    first_id = rows.insert(table, fill=columns, **extra)
    first = db.session.execute(select(*(table.c[column] for column in columns))
                               .where(first_key(table) == first_id)).one()
    error = _refused_write(table.insert().values(rows.values(table, **{**extra, **first._asdict()})))
    assert refused(error, name, sqlite_words=["UNIQUE constraint failed", *(f"{table.name}.{c}" for c in columns)])


@pytest.mark.parametrize("ended", ["revoked_at", "superseded_at"])
def test_a_revoked_or_superseded_certificate_leaves_room_for_the_current_one_of_its_cycle(rows, ended):
    from oscart.certificates.models import Certificate
    from tests.schema_rows import NOW

    table = Certificate.__table__
    old_id = rows.insert(table, **{ended: NOW})
    old = db.session.execute(select(table.c.user_id, table.c.course_id, table.c.completed_on)
                             .where(table.c.id == old_id)).one()
    rows.insert(table, **old._asdict())  # accepted: the old one is no longer current
    error = _refused_write(table.insert().values(rows.values(table, **old._asdict())))
    assert refused(error, "uq_certificate_current_per_cycle",
                   sqlite_words=["UNIQUE constraint failed", "certificate.user_id", "certificate.completed_on"])


def test_cancelled_and_registered_places_hold_no_waiting_list_position(rows):
    from oscart.classroom.models import Registration, TrainingSession

    table = Registration.__table__
    session_id = rows.insert(TrainingSession.__table__)
    for status in ("registered", "cancelled", "cancelled"):
        rows.insert(table, session_id=session_id, status=status)  # no position: never in each other's way
    rows.insert(table, session_id=session_id, status="waitlisted", position=1)
    rows.insert(table, session_id=session_id, status="waitlisted", position=2)
    assert db.session.query(table).filter(table.c.session_id == session_id).count() == 5


def test_demo_data_refers_only_to_rows_that_exist(runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    db.session.commit()
    with db.engine.connect() as connection:
        assert broken_references(connection) == []


# --- Migrations ---------------------------------------------------------------------------------------------------

CONSTRAINTS_REVISION = "cfb31746e3b5"  # the migration that added the CHECK and unique constraints


@pytest.fixture
def migration_url(app, tmp_path):
    """An empty database to migrate: a file on SQLite; on PostgreSQL a schema of its own in the test database."""
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "postgresql":
        yield f"sqlite:///{tmp_path / 'migrated.db'}"
        return
    schema = f"migrated_{os.getpid()}"
    _run(f"DROP SCHEMA IF EXISTS {schema} CASCADE", f"CREATE SCHEMA {schema}")
    yield url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)
    _run(f"DROP SCHEMA {schema} CASCADE")


def _run(*statements):
    with db.engine.connect() as connection:
        for statement in statements:
            connection.execute(text(statement))
        connection.commit()


@pytest.fixture
def migrated(app, migration_url):
    """Runs the body in an app on the migration database; the test app gets its extensions back afterwards."""

    @contextmanager
    def in_app():
        other = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": migration_url})
        try:
            with other.app_context():
                yield other
                db.session.remove()
                db.engine.dispose()
        finally:
            create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})
            limiter.reset()

    return in_app


def _migrate(command_name, revision):
    """An Alembic command on the current app's database, raising what it raises (Flask-Migrate exits instead)."""
    getattr(command, command_name)(current_app.extensions["migrate"].migrate.get_config(), revision)


def _revisions():
    """Every revision from the first to the head."""
    script = ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())
    return [revision.revision for revision in reversed(list(script.walk_revisions()))]


def _previous():
    script = ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())
    return script.get_revision(CONSTRAINTS_REVISION).down_revision


def _current_revision():
    with db.engine.connect() as connection:
        return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _seed_demo(flask_app):
    result = flask_app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output


def _counts_and_broken_references():
    with db.engine.connect() as connection:
        return row_counts(connection), broken_references(connection)


def test_the_migrated_schema_has_the_check_and_unique_rules_of_the_models(migrated):
    with migrated():
        _migrate("upgrade", "head")
        inspector = inspect(db.engine)
        for table in db.metadata.sorted_tables:
            found = {check["name"]: check["sqltext"] for check in inspector.get_check_constraints(table.name)}
            expected = {check.name: str(check.sqltext) for check in CHECKS if check.table is table}
            assert set(found) == set(expected), table.name
            if db.engine.dialect.name == "sqlite":  # PostgreSQL answers its own rendering of the condition
                assert found == expected, table.name
            unique = {c["name"] for c in inspector.get_unique_constraints(table.name)}
            unique |= {index["name"] for index in inspector.get_indexes(table.name) if index["unique"]}
            assert unique == {name for name, owner, _columns in UNIQUES if owner is table}, table.name


def test_upgrade_from_the_previous_revision_keeps_every_row_of_the_demo(migrated):
    with migrated() as flask_app:
        _migrate("upgrade", "head")
        _seed_demo(flask_app)
        before, _broken = _counts_and_broken_references()
        _migrate("downgrade", _previous())
        # Tables that later revisions add go with their rows on the way down; every other row comes back.
        earlier = set(_counts_and_broken_references()[0])
        _migrate("upgrade", "head")
        after, broken = _counts_and_broken_references()
    before, after = ({name: rows for name, rows in counts.items() if name in earlier} for counts in (before, after))
    assert sum(before.values()) > 100 and after == before and broken == []


def test_every_migration_up_and_down_leaves_no_row_referring_to_a_missing_one(migrated):
    with migrated() as flask_app:
        _migrate("upgrade", "head")
        _seed_demo(flask_app)
        revisions = _revisions()
        for revision in reversed(revisions[:-1]):
            _migrate("downgrade", revision)
            assert _counts_and_broken_references()[1] == [], f"down to {revision}"
        _migrate("downgrade", "base")
        for revision in revisions:
            _migrate("upgrade", revision)
            assert _counts_and_broken_references()[1] == [], f"up to {revision}"


def _reflected(connection):
    metadata = MetaData()
    metadata.reflect(bind=connection)
    return metadata.tables


def _without_foreign_keys(work):
    """Write as an installation did while SQLite did not enforce foreign keys."""
    with db.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        work(connection, _reflected(connection), Rows(connection, rules=db.metadata))
        connection.commit()
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")


def test_upgrade_numbers_waiting_lists_again_and_separates_consents_of_one_moment(migrated):
    with migrated():
        _migrate("upgrade", _previous())
        with db.engine.begin() as connection:
            tables, rows = _reflected(connection), Rows(connection, rules=db.metadata)
            session_id = rows.insert(tables["training_session"])
            places = {name: rows.insert(tables["registration"], session_id=session_id, status=status,
                                        position=position)
                      for name, status, position in (("unnumbered", "waitlisted", None), ("first", "waitlisted", 3),
                                                     ("second", "waitlisted", 3), ("placed", "registered", 2))}
            granted = rows.insert(tables["consent"], purpose="two_step", is_granted=True)
            first = connection.execute(select(tables["consent"]).where(tables["consent"].c.id == granted)).one()
            withdrawn = rows.insert(tables["consent"], user_id=first.user_id, purpose="two_step", at=first.at,
                                    is_granted=False)
        _migrate("upgrade", "head")
        with db.engine.connect() as connection:
            registration, consent = (db.metadata.tables[name] for name in ("registration", "consent"))
            positions = dict(connection.execute(select(registration.c.id, registration.c.position)).all())
            times = dict(connection.execute(select(consent.c.id, consent.c.at)).all())
    assert {name: positions[row_id] for name, row_id in places.items()} == {
        "first": 1, "second": 2, "unnumbered": 3, "placed": None}  # in their order, the unnumbered last
    assert times[withdrawn] - times[granted] == timedelta(microseconds=1)


def test_upgrade_applies_the_delete_rule_to_rows_an_unenforced_sqlite_left_dangling(migrated):
    with migrated():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("PostgreSQL always enforced foreign keys: no row refers to a missing one")
        _migrate("upgrade", _previous())
        made = {}

        def dangle(connection, tables, rows):
            made["attendance"] = rows.insert(tables["attendance"], part_id=MISSING_ID)  # ON DELETE CASCADE
            made["enrolment"] = rows.insert(tables["enrolment"], last_lesson_id=MISSING_ID)  # ON DELETE SET NULL

        _without_foreign_keys(dangle)
        _migrate("upgrade", "head")
        with db.engine.connect() as connection:
            attendance, enrolment = (db.metadata.tables[name] for name in ("attendance", "enrolment"))
            assert connection.execute(select(attendance.c.id)).all() == []
            assert connection.execute(select(enrolment.c.id, enrolment.c.last_lesson_id)).all() == [
                (made["enrolment"], None)]
            assert broken_references(connection) == []


def test_upgrade_stops_on_rows_it_cannot_repair_names_them_and_changes_nothing(migrated):
    with migrated():
        previous = _previous()
        _migrate("upgrade", previous)
        sqlite = db.engine.dialect.name == "sqlite"

        def write(connection, tables, rows):
            rows.insert(tables["user"], role="wizard")
            rows.insert(tables["attendance"], status="present", minutes=-5)
            certificate = tables["certificate"]
            first = rows.insert(certificate)
            twin = connection.execute(select(certificate.c.user_id, certificate.c.course_id, certificate.c.completed_on)
                                      .where(certificate.c.id == first)).one()
            rows.insert(certificate, **twin._asdict())
            rows.insert(tables["registration"], status="waitlisted", position=None)  # repairable, but not alone
            if sqlite:
                rows.insert(tables["training_session"], course_id=MISSING_ID)  # no delete rule to apply

        if sqlite:
            _without_foreign_keys(write)
        else:
            with db.engine.begin() as connection:
                write(connection, _reflected(connection), Rows(connection, rules=db.metadata))
        before = _counts_and_broken_references()
        with pytest.raises(RuntimeError) as error:
            _migrate("upgrade", "head")
        assert _current_revision() == previous and _counts_and_broken_references() == before
        with db.engine.connect() as connection:
            assert connection.execute(text("SELECT position FROM registration")).scalar() is None
    report = str(error.value)
    assert "nothing was changed" in report
    assert "user row " in report and "breaks ck_user_role" in report
    assert "attendance row " in report and "breaks ck_attendance_minutes" in report
    assert "uq_certificate_current_per_cycle" in report
    assert not sqlite or "training_session row" in report


def test_a_migration_run_that_would_leave_a_row_referring_to_a_missing_one_fails(migrated):
    with migrated():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("PostgreSQL checks every reference itself, inside the migration's transaction")
        _migrate("upgrade", "head")
        _without_foreign_keys(lambda connection, tables, rows: rows.insert(tables["lesson"], course_id=MISSING_ID))
        with pytest.raises(RuntimeError, match="lesson → course: 1 row"):
            _migrate("upgrade", "head")
