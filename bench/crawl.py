"""Every GET page a logged-in user reaches, found by following the links of the pages as a browser would.

Used by ``bench.run`` (the demo data, one account per role) and ``bench.workspace`` (a company admin at scale).
A page is an HTML answer 200; each endpoint is kept with up to ``VARIANTS`` sets of query arguments (the first
URL seen of each set: ``?page=2``, ``?when=past``, a filter), so a list and its tabs count, a thousand detail
pages of one kind do not. Downloads (CSV, Excel, PDF, ZIP, calendar, images), the bench routes, monitoring and
logout are left out. Only 127.0.0.1 is contacted.
"""

import html
import re
from collections import Counter, deque
from http.client import HTTPConnection
from urllib.parse import parse_qs, urlsplit

from werkzeug.exceptions import HTTPException

VARIANTS = 3
SKIP_SUFFIXES = (".csv", ".xlsx", ".pdf", ".zip", ".ics", ".jpg", ".png", ".svg")
SKIP_ENDPOINTS = {"static", "metrics", "main.healthz", "main.readyz", "auth.logout"}
HREF = re.compile(r'href="([^"#]+)')


def crawl(host, port, cookie, url_map, start=("/dashboard",), limit=200):
    """The pages reachable from ``start`` for the user of ``cookie``: a list of (endpoint, path with query)."""
    adapter = url_map.bind(host)
    conn = HTTPConnection(host, port, timeout=60)
    queue, visited, kinds, per_endpoint, pages = deque(start), set(), set(), Counter(), []
    while queue and len(pages) < limit:
        path = queue.popleft()
        if path in visited:
            continue
        visited.add(path)
        parts = urlsplit(path)
        if parts.path.startswith("/bench/") or parts.path.endswith(SKIP_SUFFIXES):
            continue
        try:
            endpoint, _ = adapter.match(parts.path, method="GET")
        except HTTPException:  # not a GET route (or a redirect of the URL map)
            continue
        kind = (endpoint, tuple(sorted(parse_qs(parts.query))))
        if endpoint in SKIP_ENDPOINTS or kind in kinds or per_endpoint[endpoint] >= VARIANTS:
            continue
        conn.request("GET", path, headers={"Cookie": cookie})
        response = conn.getresponse()
        body = response.read()
        if response.status != 200 or not response.getheader("Content-Type", "").startswith("text/html"):
            continue
        kinds.add(kind)
        per_endpoint[endpoint] += 1
        pages.append((endpoint, path))
        for href in HREF.findall(body.decode("utf-8", "replace")):
            href = html.unescape(href)
            if href.startswith("/") and not href.startswith("//") and href not in visited:
                queue.append(href)
    conn.close()
    return pages
