"""Error pages in the user's language, for HTTP errors and domain errors alike."""

import logging

from flask import current_app, g, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

from oscart.core import exceptions
from oscart.core.extensions import db

log = logging.getLogger(__name__)

PAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Please go back and try again.")),
    403: (_l("Access denied"), _l("You do not have permission to open this page.")),
    404: (_l("Page not found"), _l("This page does not exist, or you do not have access to it.")),
    405: (_l("Method not allowed"), _l("This page cannot be used in this way.")),
    409: (_l("Conflict"), _l("Someone else changed this in the meantime. Please reload and try again.")),
    413: (_l("File too large"), _l("What you sent is larger than the portal accepts. Please send a smaller file.")),
    429: (_l("Too many attempts"),
          _l("Too many attempts in a short time. Please wait a few minutes and try again.")),
    500: (_l("Something went wrong"), _l("An unexpected error occurred. It has been logged; please try again later.")),
    503: (_l("Temporarily unavailable"),
          _l("This function is temporarily unavailable. Please try again in a few minutes.")),
}
CSRF_MESSAGE = _l("Your form expired or was sent from elsewhere. Please reload the page and try again.")


def render_error(code, message=None):
    title, default = PAGES.get(code, PAGES[500])
    return render_template("errors/error.html", code=code, title=title, message=message or default), code


def handle_http_error(error):
    code = error.code or 500
    if code >= 500:
        db.session.rollback()
    # A description given with abort(…, description=_("…")) is shown; Werkzeug's English defaults are not.
    custom = error.description != type(error).description and code != 429
    return render_error(code if code in PAGES else 500, error.description if custom else None)


def handle_csrf_error(error):
    return render_error(400, CSRF_MESSAGE)


def handle_unexpected(error):
    original = getattr(error, "original_exception", None) or error
    _rollback()
    log.exception("Unhandled error on %s %s", request.method, request.path, exc_info=original)
    if _is_limiter_storage_error(original):
        # Fail closed: without working rate-limit storage, guarded endpoints refuse.
        return render_error(503)
    if _is_database_unavailable(original):
        # The database is restarting or unreachable: a temporary refusal, like /healthz's. The page is rendered
        # for an anonymous visitor, since reading the signed-in user needs the database too.
        g._login_user = current_app.login_manager.anonymous_user()
        return render_error(503)
    return render_error(500)


def _rollback():
    try:
        db.session.rollback()
    except DBAPIError:  # the connection is gone: the pool replaces it at the next checkout
        log.warning("Rollback after an error failed", exc_info=True)


def _is_limiter_storage_error(error):
    module = type(error).__module__
    return module.startswith(("redis", "limits"))


def _is_database_unavailable(error):
    """A database error that says nothing about the request: the server refused, dropped or ended the
    connection (OperationalError, InterfaceError, or any error on a connection found dead)."""
    return isinstance(error, OperationalError | InterfaceError) or (
        isinstance(error, DBAPIError) and error.connection_invalidated)


def handle_domain_error(error):
    db.session.rollback()
    if isinstance(error, exceptions.NotFound):
        return render_error(404)
    if isinstance(error, exceptions.PermissionDenied):
        return render_error(403, error.message or None)
    if isinstance(error, exceptions.Conflict):
        return render_error(409, error.message or None)
    if isinstance(error, exceptions.TooManyAttempts):
        body, code = render_error(429)
        return body, code, {"Retry-After": str(error.retry_after)}
    return render_error(400, error.message or None)


def init_app(app):
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(InternalServerError, handle_unexpected)
    app.register_error_handler(exceptions.DomainError, handle_domain_error)
    if not app.debug:
        app.register_error_handler(Exception, handle_unexpected)
