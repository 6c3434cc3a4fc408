"""Readiness: may this process take traffic? The database answers, the rate-limit storage answers, Celery's
broker answers (when tasks go through one), and the database's schema is at the migrations' head. Each check
says only ok or failed: no exception text."""

import logging

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import current_app
from sqlalchemy import text

from oscart.core.extensions import db, limiter

log = logging.getLogger(__name__)


def check_database():
    db.session.execute(text("SELECT 1"))


def check_rate_limit_storage():
    if not limiter.storage.check():
        raise ConnectionError("rate-limit storage does not answer")


def check_broker():
    """Redis, as Celery's broker, answers a PING (one try, the configured connect timeout)."""
    with current_app.extensions["celery"].connection_for_write() as connection:
        connection.default_channel.client.ping()


def check_migrations():
    current = set(MigrationContext.configure(db.session.connection()).get_current_heads())
    if current != migration_heads():
        raise LookupError("database revision is not the migrations' head")


def migration_heads():
    """The heads of migrations/versions, read once per process (a new release restarts it)."""
    heads = current_app.extensions.get("oscart.migration_heads")
    if heads is None:
        config = current_app.extensions["migrate"].migrate.get_config()
        heads = current_app.extensions["oscart.migration_heads"] = set(ScriptDirectory.from_config(config).get_heads())
    return heads


CHECKS = {"database": check_database, "rate_limit_storage": check_rate_limit_storage,
          "migrations": check_migrations}


def checks():
    """The checks of this process; no broker check when tasks run in the process that queues them."""
    if current_app.extensions["celery"].conf.task_always_eager:
        return CHECKS
    return {**CHECKS, "broker": check_broker}


def readiness():
    """``{name: "ok" | "failed"}`` for every check; a later check that needs the database still runs."""
    results = {}
    for name, check in checks().items():
        try:
            check()
        except Exception:  # any failure means not ready; the log has the details, the answer does not
            db.session.rollback()
            log.warning("Readiness check %s failed", name, exc_info=True)
            results[name] = "failed"
        else:
            results[name] = "ok"
    return results
