"""Background and scheduled work on Celery, with Redis as the broker.

Everything that is not a page runs here: outbox delivery and its sweep, the daily reminders, certificate
expiry notices, the privacy purge and offers, the audit purge, and bulk jobs (oscart.jobs). The Celery app is
built from the Flask app (``celery_init_app``); each task runs in an application context of its own. The CLI
commands call the same functions. Development and tests run tasks eagerly, in the process that queues them.
"""

from oscart.core import dispatch
from oscart.tasks.app import celery_init_app

# Modules that define tasks (and the gauges of their queues): imported when the app is built, so a worker knows
# them all.
TASK_MODULES = ("oscart.tasks.mail", "oscart.tasks.periodic", "oscart.tasks.jobs", "oscart.tasks.monitoring")


def init_app(app):
    from importlib import import_module

    celery = celery_init_app(app)
    for module in TASK_MODULES:
        import_module(module)
    dispatch.init_app(app)
    return celery
