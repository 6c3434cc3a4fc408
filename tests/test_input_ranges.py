"""Numbers beyond what an id column holds, in paths and in query strings, answer 404 (or a page), never 500;
a NUL character in any query argument or form field answers 400.

Every rule with an ``int`` part is requested by every role with ids past what an id column holds (up to
beyond 64 bits) and with the largest it holds, and every page without URL variables with filter values of
that size and query arguments named like ``url_for``'s own keywords.
"""

import pytest
from werkzeug.routing import IntegerConverter

from oscart.core.ids import MAX_ID, coerce_id
from oscart.core.security import COMPANY_ADMIN, PLATFORM_ADMIN, TRAINEE, TRAINER
from tests.factories import make_company, make_user
from tests.helpers import Browser, csrf_from

ROLES = (TRAINEE, TRAINER, COMPANY_ADMIN, PLATFORM_ADMIN)
HUGE = "99999999999999999999999"
FILTER_NAMES = ("course", "company", "employee", "user", "person", "session", "within", "status", "action", "kind",
                "date_from", "date_to", "q", "lang", "page")
URL_FOR_KEYWORDS = ["_external=1", "_anchor=x", "_method=POST", "_scheme=ftp", "endpoint=x", "values=x"]
OTHER_VALUES = {"lang": "nl"}  # URL variables of other kinds in the same rules


def _readers(app):
    """A logged-in Browser per role, with the CSRF token its POSTs send."""
    company = make_company()
    readers = {}
    for role in ROLES:
        browser = Browser(app.test_client())
        browser.login(make_user(role=role, company=company if role in (TRAINEE, COMPANY_ADMIN) else None).email)
        readers[role] = (browser, csrf_from(browser.get("/privacy").text))
    return readers


def _int_rules(app):
    return [rule for rule in app.url_map.iter_rules()
            if any(isinstance(converter, IntegerConverter) for converter in rule._converters.values())]


def _request(reader, method, url):
    browser, token = reader
    if method == "GET":
        return browser.get(url).status_code
    return browser.client.post(url, data={"csrf_token": token}).status_code


def test_the_url_map_has_int_rules(app):
    assert len(_int_rules(app)) >= 40


@pytest.mark.parametrize("value", [MAX_ID + 1, 2**63, 2**64, int(HUGE)], ids=["MAX_ID+1", "2**63", "2**64", "10**23"])
def test_ids_beyond_64_bits_in_a_path_are_not_found(app, value):
    readers = _readers(app)
    problems = []
    for rule in _int_rules(app):
        values = {name: OTHER_VALUES.get(name, value) for name in rule.arguments - set(rule.defaults or {})}
        url = rule.build(values, append_unknown=False)[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for role, reader in readers.items():
                status = _request(reader, method, url)
                if status != 404:
                    problems.append(f"{method} {url} as {role}: {status}")
    assert problems == []


def test_the_largest_id_reaches_the_views_and_finds_nothing(app):
    readers = _readers(app)
    problems = []
    for rule in _int_rules(app):
        values = {name: OTHER_VALUES.get(name, MAX_ID) for name in rule.arguments - set(rule.defaults or {})}
        url = rule.build(values, append_unknown=False)[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            for role, reader in readers.items():
                status = _request(reader, method, url)
                if status >= 500:
                    problems.append(f"{method} {url} as {role}: {status}")
    assert problems == []


@pytest.mark.parametrize("value", [str(MAX_ID + 1), HUGE], ids=["MAX_ID+1", "10**23"])
def test_filters_beyond_an_id_and_url_for_keywords_in_the_query_are_no_error(app, value):
    query = "&".join([f"{name}={value}" for name in FILTER_NAMES] + URL_FOR_KEYWORDS)
    readers = _readers(app)
    # Readiness answers 503 by design on a test database built without migrations; it reads no arguments.
    pages = [rule for rule in app.url_map.iter_rules()
             if "GET" in rule.methods and not rule.arguments and rule.endpoint not in ("static", "main.readyz")]
    problems = []
    for rule in pages:
        for role, reader in readers.items():
            status = _request(reader, "GET", f"{rule.rule}?{query}")
            if status >= 500:
                problems.append(f"GET {rule.rule} as {role}: {status}")
    assert problems == []


def test_a_nul_character_in_any_query_argument_is_a_bad_request(app):
    query = "&".join(f"{name}=a%00b" for name in (*FILTER_NAMES, "role", "format", "language"))
    readers = _readers(app)
    pages = [rule for rule in app.url_map.iter_rules()
             if "GET" in rule.methods and not rule.arguments and rule.endpoint != "static"]
    problems = [f"GET {rule.rule} as {role}: {status}" for rule in pages for role, reader in readers.items()
                if (status := _request(reader, "GET", f"{rule.rule}?{query}")) != 400]
    assert problems == []


def test_a_nul_character_in_any_form_field_is_no_server_error(app):
    readers = _readers(app)
    forms = [rule for rule in app.url_map.iter_rules() if "POST" in rule.methods and not rule.arguments]
    problems = []
    for rule in forms:
        for role, (browser, token) in readers.items():
            status = browser.client.post(rule.rule, data={"csrf_token": token, "email": "a\x00@example.com",
                                                          "q": "x\x00"}).status_code
            if status >= 500:  # the form's validators refuse it with a field error (tests of each form)
                problems.append(f"POST {rule.rule} as {role}: {status}")
    assert problems == []


@pytest.mark.parametrize(("value", "expected"), [("0", 0), ("42", 42), (str(MAX_ID), MAX_ID)])
def test_coerce_id_reads_ids(value, expected):
    assert coerce_id(value) == expected


@pytest.mark.parametrize("value", [str(MAX_ID + 1), str(2**63), HUGE, "-1", "x", "", None])
def test_coerce_id_refuses_what_no_id_column_holds(value):
    with pytest.raises((ValueError, TypeError)):
        coerce_id(value)
