"""A browser-like wrapper around Flask's test client."""

import contextvars
import re
from html import unescape

from flask.testing import FlaskClient

from oscart.core.extensions import db

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def mail_link(message):
    """The first web link in a mail's plain-text body."""
    body = message.get_body(("plain",)).get_content()
    match = re.search(r"https?://\S+", body)
    assert match, body
    return match.group(0)


def csrf_from(html):
    match = CSRF_RE.search(html)
    assert match, "page has no CSRF token"
    return unescape(match.group(1) or match.group(2))


class Browser:
    """Reads the CSRF token from the page a form lives on and posts it back, like a real browser."""

    def __init__(self, client):
        self.client = client

    def get(self, url, **kwargs):
        return self.client.get(url, **kwargs)

    def submit(self, url, data=None, *, form_page=None, **kwargs):
        # Every page carries a token (the footer's language form), so any page the user sees will do.
        page = self.client.get(form_page or "/privacy")
        payload = {"csrf_token": csrf_from(page.text), **(data or {})}
        return self.client.post(url, data=payload, **kwargs)

    def login(self, email, password="correct horse battery", remember=False):
        data = {"email": email, "password": password}
        if remember:
            data["remember"] = "y"
        return self.submit("/login", data)

    def logout(self):
        return self.submit("/logout")


class IsolatedClient(FlaskClient):
    """Runs each request in its own application context, with its own ``g`` and database session,
    as a real server does, even while the test itself holds an app context open."""

    def open(self, *args, **kwargs):
        # Read streamed bodies inside the request's own context, where stream_with_context expects them.
        kwargs.setdefault("buffered", True)
        response = contextvars.Context().run(super().open, *args, **kwargs)
        db.session.expire_all()  # the test's own session must see what the request committed
        return response
