"""Jinja globals and filters shared by every template."""

from flask import has_request_context, request
from flask_babel import get_locale

from oscart.i18n import LANGUAGES
from oscart.security import ROLE_LABELS, can


def init_app(app):
    app.jinja_env.globals.update(LANGUAGES=LANGUAGES, ROLE_LABELS=ROLE_LABELS, can=can)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.context_processor(_request_context)


def _request_context():
    # Mail is also rendered from CLI commands (seed-demo, workers), where there is no request.
    path = request.full_path.rstrip("?") if has_request_context() else "/"
    return {"current_language": str(get_locale() or "nl"), "current_path": path}
