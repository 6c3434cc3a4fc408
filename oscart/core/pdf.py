"""Rendering HTML to PDF with WeasyPrint, fetching nothing but bundled static files.

Templates name bundled files as ``oscart-static:fonts/DejaVuSans.ttf`` (see ``pdf_static_url``). The fetcher
refuses every other scheme (file://, http(s)://, ftp …) and data: URLs other than PNG and SVG images, so a
value that slipped into a template can never read the server's files or reach the network.
"""

import base64
import logging
import signal
import threading
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from urllib.parse import unquote_to_bytes

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

log = logging.getLogger(__name__)

STATIC_DIR = (Path(__file__).resolve().parents[2] / "static").resolve()
STATIC_SCHEME = "oscart-static"
STATIC_TYPES = {".ttf": "font/ttf", ".otf": "font/otf", ".woff": "font/woff", ".woff2": "font/woff2",
                ".css": "text/css", ".png": "image/png", ".svg": "image/svg+xml", ".jpg": "image/jpeg"}
DATA_TYPES = frozenset({"image/png", "image/svg+xml"})
RENDER_TIMEOUT_SECONDS = 20


class FetchRefused(ValueError):
    """A resource the PDF asked for is not a bundled static file."""


class RenderTimeout(Exception):
    """Rendering took longer than allowed."""


def pdf_static_url(path):
    """The URL a PDF template uses for a bundled static file (``fonts/DejaVuSans.ttf``)."""
    return f"{STATIC_SCHEME}:{path}"


def safe_url_fetcher(url):
    """Serve bundled static files and small inline images; refuse everything else."""
    scheme, _, rest = url.partition(":")
    scheme = scheme.lower()
    if scheme == STATIC_SCHEME:
        return _static_response(url, rest)
    if scheme == "data":
        return _data_response(url, rest)
    raise FetchRefused(f"refused to fetch {url[:80]!r}")


def _static_response(url, rest):
    path = (STATIC_DIR / unquote_to_bytes(rest.split("?")[0].split("#")[0]).decode()).resolve()
    mime = STATIC_TYPES.get(path.suffix.lower())
    if not path.is_relative_to(STATIC_DIR) or mime is None or not path.is_file():
        raise FetchRefused(f"not a bundled static file: {url[:80]!r}")
    return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})


def _data_response(url, rest):
    header, comma, payload = rest.partition(",")
    params = header.split(";")
    mime = params[0].strip().lower()
    if not comma or mime not in DATA_TYPES:
        raise FetchRefused(f"refused data of type {mime[:40]!r}")
    body = base64.b64decode(payload, validate=True) if "base64" in params[1:] else unquote_to_bytes(payload)
    return URLFetcherResponse(url[:40], body, {"Content-Type": mime})


class SafeFetcher(URLFetcher):
    """WeasyPrint's fetcher interface around ``safe_url_fetcher``, without any opener."""

    def __init__(self):
        super().__init__(allow_redirects=False, fail_on_errors=False)

    def fetch(self, url, headers=None):
        return safe_url_fetcher(url)


# Stateless (fetch never uses the opener), so one instance serves every thread.
FETCHER = SafeFetcher()


def render_pdf(html, *, stylesheets=(), timeout=RENDER_TIMEOUT_SECONDS):
    """PDF bytes of ``html`` (a complete document rendered by a trusted template).

    ``stylesheets`` are bundled CSS files (``css/pdf-certificate.css``); they and the fonts they declare are
    parsed once per thread and reused, which halves the time of a one-page render.
    """
    with time_limit(timeout):
        font_config, sheets = _compiled_stylesheets(tuple(stylesheets))
        document = HTML(string=html, base_url=f"{STATIC_SCHEME}:", url_fetcher=FETCHER)
        return document.write_pdf(stylesheets=sheets, font_config=font_config, attachments=[], pdf_forms=False)


_compiled = threading.local()


def _compiled_stylesheets(names):
    key = tuple((name, (STATIC_DIR / name).stat().st_mtime_ns) for name in names)
    cache = _compiled.__dict__.setdefault("by_key", {})
    if key not in cache:
        font_config = FontConfiguration()
        sheets = [CSS(string=safe_url_fetcher(pdf_static_url(name)).read().decode(), font_config=font_config,
                      url_fetcher=FETCHER) for name in names]
        cache.clear()
        cache[key] = (font_config, sheets)
    return cache[key]


@contextmanager
def time_limit(seconds):
    """Raise RenderTimeout after ``seconds``. Signals only work in the main thread (gunicorn sync workers,
    the CLI); elsewhere the bounded input lengths are what keeps rendering short."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        return

    def expire(signum, frame):
        raise RenderTimeout(f"PDF rendering took longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@cache
def has_harfbuzz_subset():
    """True when WeasyPrint itself loaded libharfbuzz-subset and can use it (HarfBuzz 4.1 or newer).

    Asked of WeasyPrint rather than looked up by name: ``ctypes.util.find_library`` searches elsewhere than
    the dynamic loader does (it misses LD_LIBRARY_PATH, Homebrew's prefix, a missing ``ldconfig`` cache), so it
    could warn while WeasyPrint subsets with HarfBuzz, or stay silent while WeasyPrint cannot.
    """
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    return harfbuzz_subset is not None and bool(harfbuzz.hb_version_atleast(4, 1, 0))


@cache
def warn_if_slow_subsetting():
    """Log once per process when libharfbuzz-subset is missing: font subsetting is then ~10× slower."""
    if not has_harfbuzz_subset():
        log.warning("libharfbuzz-subset is not installed: certificate PDFs render about ten times slower "
                    "(fontTools fallback). Install it, e.g. `apt-get install libharfbuzz-subset0`.")
