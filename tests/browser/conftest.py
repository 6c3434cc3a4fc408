"""Browser fixtures: the app served on a local port, and Playwright driving Debian's Chromium."""

import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def pytest_collection_modifyitems(items):
    for item in items:
        if "/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


def _closed_at_once(app):
    """The app with each response read whole and its iterable closed at once. Werkzeug's development server skips
    the iterable's close() when the browser drops the connection while the server drains the request (a page left
    while its logo loads): the static file is then closed by the garbage collector, and its ResourceWarning fails
    whichever test runs at that moment. The bodies here are small; production servers close iterables themselves."""

    def wsgi(environ, start_response):
        iterable = app(environ, start_response)
        try:
            return [b"".join(iterable)]
        finally:
            if hasattr(iterable, "close"):
                iterable.close()

    return wsgi


@pytest.fixture(scope="session")
def live_server(app):
    """Base URL of the app served by a real HTTP server in a background thread."""
    server = make_server("127.0.0.1", 0, _closed_at_once(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def chromium():
    if not shutil.which(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def public_base_url(app, live_server, monkeypatch):
    """Links in mails, calendars and QR codes lead to the live server, as they lead to the portal's address."""
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", live_server)
    return live_server


@pytest.fixture
def page(chromium, live_server, public_base_url):
    """A fresh browser context (no cookies) with a desktop viewport; use ``new_page`` for other sizes."""
    context = chromium.new_context(base_url=live_server, locale="nl-BE", viewport={"width": 1280, "height": 860})
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def new_page(chromium, live_server, public_base_url):
    """Factory for extra pages: ``new_page(viewport={"width": 820, "height": 1180}, locale="fr-BE")``."""
    contexts = []

    def make(**options):
        context = chromium.new_context(base_url=live_server, **{"locale": "nl-BE", **options})
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def screenshot():
    """Save a full-page screenshot under test-artifacts/ and return its path."""
    ARTIFACTS.mkdir(exist_ok=True)

    def take(page, name):
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
