"""No English on a page shown in another language: every page each demo role reaches, in Dutch, French and German.

The demo is seeded; a platform admin, a trainer, a company admin and a trainee log in with their language set to
nl, fr, then de, and follow the links of their pages as a browser would (one URL per endpoint and set of query
arguments; downloads and logout left out). The visible text of each page (outside <script> and <style>) is cut into
text fragments. A fragment is English left on the page when, not being text the demo's users typed (names, e-mail
addresses, course titles …), it is
- an English message of two words or more whose translation in the page's language is another text (a text the
  template or the code does not pass through gettext), or
- made of English words only and the same on that page in Dutch, French and German (a message that left the
  catalogues, e.g. because it was written inside an f-string, which Babel's extraction does not read).
"""

import re
from collections import deque
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

from babel.messages.pofile import read_po
from sqlalchemy import select, update
from werkzeug.exceptions import HTTPException

from oscart.accounts.models import User
from oscart.core.demo import DEMO_PASSWORD, seed_demo
from oscart.core.extensions import db
from tests.helpers import Browser

TRANSLATIONS = Path(__file__).resolve().parents[1] / "translations"
ROLES = ("admin@oscart.example", "trainer@oscart.example", "hr@acme.example", "anna@acme.example")
LANGUAGES = ("nl", "fr", "de")
PAGES_PER_ROLE = 250
SKIP_ENDPOINTS = {"static", "metrics", "main.healthz", "main.readyz", "auth.logout"}
SKIP_SUFFIXES = (".csv", ".xlsx", ".pdf", ".zip", ".ics", ".jpg", ".png", ".svg")
PROPER_NAMES = {"© Oscart Group NV", "Excel (.xlsx)"}  # the same in every language
WORD = re.compile(r"[^\W\d_]+")  # a word's letters


def catalogue(code):
    """{msgid: translation} for the messages without placeholders (plural messages: their singular)."""
    with open(TRANSLATIONS / code / "LC_MESSAGES" / "messages.po", "rb") as handle:
        messages = read_po(handle, locale=code)
    texts = {}
    for message in messages:
        msgid = message.id[0] if isinstance(message.id, tuple) else message.id
        string = message.string[0] if isinstance(message.string, tuple | list) else message.string
        if msgid and "%(" not in msgid:
            texts[msgid] = string or msgid
    return texts


def english_leaks(catalogues):
    """{language: the English texts of two words or more that this language translates into another text}."""
    english, leaks = catalogues["en"], {}
    for code in LANGUAGES:
        translated = catalogues[code]
        leaks[code] = {english[msgid] for msgid in english
                       if is_phrase(msgid) and translated.get(msgid) and translated[msgid] != english[msgid]}
    return leaks


def words(text):
    return WORD.findall(text.lower())


def is_phrase(text):
    """Two words or more, with letters in at least two of them (not "3 / 3" or "· 480×270")."""
    return len(text.split()) >= 2 and len(words(text)) >= 2


def demo_data_texts():
    """Texts users typed in the demo (names, e-mail addresses, course and lesson titles …): not messages."""
    texts = set()
    for table in db.metadata.sorted_tables:
        for row in db.session.execute(select(table)):
            texts.update(" ".join(value.split()) for value in strings(row))
    return texts


def strings(value):
    """The strings in a row of values, including those inside JSON values (a text per language …)."""
    if isinstance(value, str):
        return [value] if value else []
    items = value.values() if isinstance(value, dict) else value if isinstance(value, tuple | list) else []
    return [text for item in items for text in strings(item)]


class PageText(HTMLParser):
    """The visible text fragments of a page (outside <script> and <style>, with the placeholder, title, aria-label
    and alt attributes) and its links."""

    def __init__(self):
        super().__init__()
        self.fragments, self.links, self._hidden = [], [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._hidden += 1
        # What is read aloud or shown on hover is text too.
        self.fragments += [" ".join(value.split()) for name, value in attrs
                           if name in ("placeholder", "title", "aria-label", "alt") and value and value.strip()]
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.links.append(href)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_data(self, data):
        text = " ".join(data.split())
        if text and not self._hidden:
            self.fragments.append(text)


def crawl(app, client, start):
    """(URL, text fragments) of the HTML pages reachable from ``start``: one URL per endpoint and query shape."""
    adapter = app.url_map.bind("localhost")
    queue, seen, kinds, pages = deque(start), set(start), set(), []
    while queue and len(pages) < PAGES_PER_ROLE:
        url = queue.popleft()
        parts = urlsplit(url)
        if parts.path.endswith(SKIP_SUFFIXES):
            continue
        try:
            endpoint, _ = adapter.match(parts.path, method="GET")
        except HTTPException:  # not a GET page
            continue
        kind = (endpoint, tuple(sorted(parse_qs(parts.query))))
        if endpoint in SKIP_ENDPOINTS or kind in kinds:
            continue
        kinds.add(kind)
        response = client.get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        page = PageText()
        page.feed(response.text)
        pages.append((url, page.fragments))
        for href in page.links:
            link = urljoin(url, href.split("#")[0])
            if link.startswith("/") and not link.startswith("//") and link not in seen:
                seen.add(link)
                queue.append(link)
    return pages


def test_no_page_of_any_role_shows_english_in_another_language(app):
    """Two signs of English: a fragment that is an English message the page's language translates, or a
    fragment of English words that reads the same in Dutch, French and German (a text no catalogue holds)."""
    seed_demo()
    catalogues = {code: catalogue(code) for code in ("en", *LANGUAGES)}
    english, user_texts = english_leaks(catalogues), demo_data_texts()
    vocabulary = {word for msgid, string in catalogues["en"].items() for word in words(f"{msgid} {string}")}
    translations = {string for code in LANGUAGES for string in catalogues[code].values()}
    found, crawled, languages_of = [], {}, {}  # languages_of: {(role, URL, text): languages showing it}
    for code in LANGUAGES:
        db.session.execute(update(User).values(language=code))
        db.session.commit()
        for email in ROLES:
            browser = Browser(app.test_client())
            response = browser.login(email, DEMO_PASSWORD)
            assert response.status_code == 302, email
            pages = crawl(app, browser.client, [response.headers["Location"], "/dashboard"])
            crawled[code, email] = len(pages)
            for url, fragments in pages:
                for text in set(fragments) - user_texts:
                    languages_of.setdefault((email, url, text), set()).add(code)
                    if text in english[code]:
                        found.append((code, email, url, text))
    for (email, url, text), codes in languages_of.items():
        if (len(codes) == len(LANGUAGES) and is_phrase(text) and set(words(text)) <= vocabulary
                and text not in translations | PROPER_NAMES):
            found.append(("nl, fr, de", email, url, text))
    print("pages crawled:", crawled)
    assert all(count >= 10 for count in crawled.values()), crawled
    assert found == [], "English on pages in another language:\n" + "\n".join(map(str, sorted(set(found))))
