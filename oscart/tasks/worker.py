"""Entry point of the Celery worker and beat: ``celery -A oscart.tasks.worker worker`` (see the README)."""

from oscart import create_app

flask_app = create_app()
celery = flask_app.extensions["celery"]
