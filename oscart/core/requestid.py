"""The request id: taken from a well-formed ``X-Request-ID`` header (a proxy's) or generated, echoed in the
response, shown on error pages and put on every log line, so one request can be followed through the logs."""

import re
import uuid

from flask import has_request_context, request

HEADER = "X-Request-ID"
# Letters, digits and a few separators only: the id is written into logs and pages as it came.
VALID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")
_KEY = "oscart.request_id"


def current_request_id():
    """The current request's id (None outside a request). Kept on the WSGI environ, not on ``g``, which
    one app context may share across requests."""
    if not has_request_context():
        return None
    environ = request.environ
    if _KEY not in environ:
        given = request.headers.get(HEADER, "")
        environ[_KEY] = given if VALID.fullmatch(given) else uuid.uuid4().hex
    return environ[_KEY]


def assign_request_id():
    current_request_id()  # before anything logs, so a generated id is fixed from the start


def set_response_header(response):
    response.headers[HEADER] = current_request_id()
    return response


def init_app(app):
    app.before_request(assign_request_id)
    app.after_request(set_response_header)
    app.context_processor(lambda: {"request_id": current_request_id()})
