"""Tasks queued by a change start once the change has committed, never before and never after a rollback.

A service calls ``after_commit(name, *args)`` (the outbox does it for every message it queues); when the
session commits, each call is sent to the broker. Sending fails quietly when Redis is down: the change is in
the database, and the periodic sweeps (outbox, stalled jobs) pick it up. Eager tasks (development, tests) run
once the request or the task that queued them is over, in an application context of their own.
"""

import logging

from flask import current_app, has_app_context
from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from oscart.core.extensions import db

log = logging.getLogger(__name__)

_QUEUED = "oscart.tasks.queued"  # [(task name, args or a pending row whose id is the one argument)]
_READY = "oscart.tasks.ready"  # eager calls whose transaction has committed


def init_app(app):
    app.after_request(_run_ready_after_request)
    app.teardown_appcontext(lambda exc: run_ready())


def after_commit(name, *args, row=None):
    """Queue task ``name`` for when the current transaction commits; ``row``: a new row whose id (known only
    after the flush) is the task's single argument."""
    db.session.info.setdefault(_QUEUED, []).append((name, args, row))


@event.listens_for(Session, "after_commit")
def _send_committed(session):
    queued = session.info.pop(_QUEUED, None)
    if not queued or not has_app_context():
        return
    calls = [call for call in map(_arguments, queued) if call is not None]
    if not calls:
        return
    if current_app.extensions["celery"].conf.task_always_eager:
        session.info.setdefault(_READY, []).extend(calls)
        return
    for name, args in calls:
        if not send(name, args):
            break  # the broker is down: the sweeps send the rest too, without a wait per message


@event.listens_for(Session, "after_rollback")
def _forget_rolled_back(session):
    # Rows of a rolled-back transaction lose their identity and are skipped anyway; plain calls go here.
    if not session.in_transaction():
        session.info.pop(_QUEUED, None)


def _arguments(entry):
    name, args, row = entry
    if row is None:
        return name, args
    state = inspect(row)
    return (name, (state.identity[0],)) if state.has_identity else None


def send(name, args):
    """Hand one call to the broker; False (logged) when it cannot be reached."""
    try:
        current_app.extensions["celery"].send_task(name, args=list(args), retry=False)
    except Exception:  # noqa: BLE001 - any broker error: the sweep sends it later
        log.warning("Broker unreachable: %s left for the periodic sweep", name, exc_info=True)
        return False
    return True


def run_ready():
    """Run the eager calls whose transaction has committed (development and tests)."""
    if not has_app_context():
        return
    session = db.session()
    while ready := session.info.pop(_READY, None):
        celery = current_app.extensions["celery"]
        for name, args in ready:
            celery.tasks[name].apply(args=list(args))


def _run_ready_after_request(response):
    run_ready()
    return response
