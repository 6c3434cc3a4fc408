"""The Celery app, built from the Flask app as Flask's "Background Tasks with Celery" pattern does."""

from celery import Celery, Task
from flask import current_app, has_app_context

from oscart.tasks.schedule import beat_schedule


def celery_init_app(app):
    class FlaskTask(Task):
        """Runs in an application context of its own (its own database session), then starts the tasks its
        commits queued when they run eagerly."""

        def __call__(self, *args, **kwargs):
            # An eager task queued inside a request runs for that request's app (tests change its config).
            flask_app = current_app._get_current_object() if has_app_context() else app
            with flask_app.app_context():
                return self.run(*args, **kwargs)

    celery = Celery(app.name, task_cls=FlaskTask)
    celery.config_from_object({**app.config["CELERY"], "beat_schedule": beat_schedule()})
    celery.set_default()
    app.extensions["celery"] = celery
    return celery


def is_eager():
    return bool(current_app.extensions["celery"].conf.task_always_eager)
