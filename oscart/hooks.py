"""Per-request hooks: malformed input, client address for audit events, session last-seen, security headers."""

from flask import abort, current_app, request
from flask_login import current_user

from oscart.audit.services import current_ip
from oscart.auth.services import touch_session
from oscart.extensions import db
from oscart.net import client_ip

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
)


def init_app(app):
    app.before_request(refuse_nul_characters)
    app.before_request(remember_client_ip)
    app.before_request(touch_current_session)
    app.after_request(security_headers)


def refuse_nul_characters():
    """A NUL character in a query argument is malformed input (400), never a server error: PostgreSQL text
    cannot hold one, so a search or filter would otherwise fail in the database. Form fields are the forms'
    business: their validators answer with a translated field error and keep what was typed."""
    if any("\x00" in name or "\x00" in value for name, value in request.args.items(multi=True)):
        abort(400)


def remember_client_ip():
    current_ip.set(client_ip())


def touch_current_session():
    if request.endpoint == "static" or not current_user.is_authenticated:
        return
    record = current_user.session_record
    if record is not None and touch_session(record):
        db.session.commit()


def security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if current_app.config["SECURITY_HSTS"]:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    # Personal pages are never stored, unless a view set an explicit lifetime (issued certificate PDFs).
    personal = request.endpoint != "static" and current_user and current_user.is_authenticated
    if personal and "max-age" not in headers.get("Cache-Control", ""):
        headers["Cache-Control"] = "no-store"
    return response
