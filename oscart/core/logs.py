"""Logging for operators: every record carries the request id, method and path; e-mail addresses and
anything that looks like a secret are masked; ``LOG_FORMAT=json`` writes one JSON object per line."""

import json
import logging
import re
import sys
from datetime import UTC, datetime

from flask import has_request_context, request

from oscart.core.requestid import current_request_id

STATUS_KEY = "oscart.status"
EMAIL = re.compile(r"\b([A-Za-z0-9])[A-Za-z0-9._%+-]*@([A-Za-z0-9.-]+\.[A-Za-z]{2,})\b")
# ``password=…``, ``token: …``, ``code='…'``, ``Authorization: Bearer …`` and the like: keep the name, mask the value.
SECRET = re.compile(
    r"(?i)\b((?:[a-z_]*(?:password|passwd|secret|token|code|key|authorization|cookie|session))"
    r"[\"']?\s*[:=]\s*(?:bearer\s+)?[\"']?)([^\s\"',;&}]+)"
)
# URL variables that carry a secret (``/reset/<token>``, ``/verify/<code>``): masked in paths and messages.
SECRET_ARGUMENT = re.compile(r"(?i)token|code|password|secret")
MASK = "***"


def redact(text):
    """``text`` without full e-mail addresses (``a…@acme.example``) and without secret values."""
    for value in _secret_arguments():
        text = text.replace(value, MASK)
    text = EMAIL.sub(lambda m: f"{m.group(1)}…@{m.group(2)}", text)
    return SECRET.sub(lambda m: m.group(1) + MASK, text)


def _secret_arguments():
    if not has_request_context() or not request.view_args:
        return ()
    return [str(value) for name, value in request.view_args.items() if SECRET_ARGUMENT.search(name) and value]


class RequestContextFilter(logging.Filter):
    """Adds request_id, method, path (without the query string) and, once known, status."""

    def filter(self, record):
        record.request_id = current_request_id()
        inside = has_request_context()
        record.method = request.method if inside else None
        record.path = redact(request.path) if inside else None
        record.status = request.environ.get(STATUS_KEY) if inside else None
        return True


class RedactionFilter(logging.Filter):
    """Formats the message with its arguments once, masked, so no handler sees the raw values."""

    def filter(self, record):
        record.msg = redact(record.getMessage())
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


class JsonFormatter(logging.Formatter):
    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in ("request_id", "method", "path", "status"):
            value = getattr(record, name, None)
            if value is not None:
                entry[name] = value
        if record.exc_info or record.exc_text:
            entry["exception"] = record.exc_text or self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


TEXT_FORMAT = "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"


def remember_status(response):
    request.environ[STATUS_KEY] = response.status_code
    return response


def configure(app):
    """Give the root logger one handler in the configured format (``json`` or ``text``), replacing the one
    an earlier app installed; an empty LOG_FORMAT leaves logging as it is (the tests)."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "oscart", False)]:
        root.removeHandler(handler)
    kind = app.config.get("LOG_FORMAT")
    if not kind:
        return None
    handler = logging.StreamHandler(sys.stderr)
    handler.oscart = True
    handler.setFormatter(JsonFormatter() if kind == "json" else logging.Formatter(TEXT_FORMAT))
    handler.addFilter(RequestContextFilter())
    handler.addFilter(RedactionFilter())
    root.addHandler(handler)
    root.setLevel(app.config.get("LOG_LEVEL", "WARNING"))
    return handler


def init_app(app):
    app.after_request(remember_status)
    configure(app)
