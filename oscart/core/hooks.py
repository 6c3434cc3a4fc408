"""Per-request hooks every page gets: malformed input refused, security headers, no caching of personal pages."""

from flask import abort, current_app, request
from flask_login import current_user

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
)


def before_request(app, func):
    """Run ``func`` before every request, after the blueprints' own app-wide hooks (a privacy statement
    that changed is shown first) and after malformed input is refused: ``init_app`` installs them in that order
    once every feature is plugged in."""
    app.extensions.setdefault("oscart.before_request", []).append(func)


def init_app(app):
    """Install the hooks, after every feature's blueprints."""
    app.before_request(refuse_nul_characters)
    for func in app.extensions.pop("oscart.before_request", ()):
        app.before_request(func)
    app.after_request(security_headers)  # after the features' own, so that it runs first on the response


def refuse_nul_characters():
    """A NUL character in a query argument is malformed input (400), never a server error: PostgreSQL text
    cannot hold one, so a search or filter would otherwise fail in the database. Form fields are the forms'
    business: their validators answer with a translated field error and keep what was typed."""
    if any("\x00" in name or "\x00" in value for name, value in request.args.items(multi=True)):
        abort(400)


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
