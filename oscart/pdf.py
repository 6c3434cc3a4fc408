"""PDF rendering with WeasyPrint that can only read the portal's own bundled static files.

Templates refer to fonts and images relative to ``STATIC_BASE`` (e.g. ``url("fonts/DejaVuSans.ttf")``);
any other URL — ``file://``, ``http(s)://`` elsewhere, ``data:`` — is refused, so user-written text in a
PDF can never make the server read local files or reach the network.
"""

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
STATIC_BASE = "https://static.oscart.invalid/"


class SafeURLFetcher(URLFetcher):
    """Serves files under ``static/`` for ``STATIC_BASE`` URLs and refuses everything else."""

    def __init__(self, root=STATIC_DIR):
        super().__init__(allowed_protocols=("https",))
        self.root = Path(root).resolve()

    def fetch(self, url, headers=None):
        if not url.startswith(STATIC_BASE):
            raise ValueError(f"refused URL outside the bundled static files: {url[:80]}")
        path = (self.root / unquote(urlsplit(url).path).lstrip("/")).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            raise ValueError(f"no such bundled static file: {url[:80]}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})


def safe_url_fetcher():
    return SafeURLFetcher()


def render_pdf(html, base_url=STATIC_BASE):
    """PDF bytes of ``html``; relative URLs resolve against the bundled static files only."""
    return HTML(string=html, base_url=base_url, url_fetcher=safe_url_fetcher()).write_pdf()
