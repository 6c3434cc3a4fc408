"""Rules every page keeps: CSRF, no change on GET, headers, error pages, bad input, configuration."""

import pytest

from config import ProductionConfig
from oscart import create_app
from oscart.auth.reset import make_reset_token
from oscart.core.extensions import db
from oscart.core.security import COMPANY_ADMIN, PLATFORM_ADMIN, TRAINEE
from tests.factories import make_company, make_user

WRITES = ("INSERT", "UPDATE", "DELETE")
# Record-keeping a GET may do without changing anything the user owns: audit of a download or export.
RECORD_KEEPING = ("audit_event", "audit_chain_head", "course_view")  # course_view: "offer after a visit"


def writes(statements):
    return [s for s in statements
            if s.lstrip().upper().startswith(WRITES) and not any(t in s for t in RECORD_KEEPING)]


@pytest.fixture
def world():
    acme = make_company()
    return {
        "acme": acme,
        PLATFORM_ADMIN: make_user(role=PLATFORM_ADMIN),
        COMPANY_ADMIN: make_user(role=COMPANY_ADMIN, company=acme),
        TRAINEE: make_user(role=TRAINEE, company=acme),
    }


def all_urls(app, world, method):
    values = {"lang": "nl", "user_id": world[TRAINEE].id, "company_id": world["acme"].id,
              "token": make_reset_token(world[TRAINEE])}
    urls = []
    for rule in app.url_map.iter_rules():
        if method not in rule.methods or rule.endpoint == "static":
            continue
        # Ids that do not exist are fine here: CSRF is checked before routing, and a GET may answer 404.
        urls.append(rule.build({name: values.get(name, 1) for name in rule.arguments})[1])
    return sorted(urls)


def test_every_post_needs_a_csrf_token(app, browser, world, count_queries):
    browser.login(world[PLATFORM_ADMIN].email)
    urls = all_urls(app, world, "POST")
    assert {"/login", "/logout", "/language", "/reset", "/account/", "/admin/users/new"} <= set(urls)
    for url in urls:
        with count_queries() as counter:
            response = browser.client.post(url, data={"email": world[TRAINEE].email, "language": "fr"})
        assert response.status_code == 400, url
        if not url.startswith("/privacy/unsubscribe/"):  # one-click unsubscribe rests on its signed token
            assert "Uw formulier is verlopen" in response.text, url
        assert not [s for s in counter.statements if s.lstrip().upper().startswith(WRITES)], url
    assert browser.get("/account/").status_code == 200


def test_a_token_from_another_session_is_refused(app, browser, world):
    from tests.helpers import csrf_from

    stranger = app.test_client()
    token = csrf_from(stranger.get("/login").text)
    browser.login(world[TRAINEE].email)
    assert browser.client.post("/language", data={"csrf_token": token, "language": "fr"}).status_code == 400


@pytest.mark.parametrize("role", [None, TRAINEE, COMPANY_ADMIN, PLATFORM_ADMIN])
def test_no_get_request_changes_anything(app, browser, world, count_queries, role):
    if role:
        browser.login(world[role].email)
    for url in all_urls(app, world, "GET"):
        with count_queries() as counter:
            response = browser.get(url)
        assert response.status_code < 500 or url == "/readyz", url  # 503: a test database has no migrations
        assert not writes(counter.statements), url


def test_security_headers(client):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_pages_carry_no_inline_script_or_style(browser, world):
    browser.login(world[PLATFORM_ADMIN].email)
    for url in ("/admin/", "/admin/users", "/account/", "/login", "/privacy"):
        page = browser.get(url).text
        assert "<script>" not in page and " style=" not in page and "<style" not in page, url


def test_logged_in_pages_are_not_cached(browser, world):
    browser.login(world[TRAINEE].email)
    assert browser.get("/dashboard").headers["Cache-Control"] == "no-store"


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


# --- Error pages in the visitor's language --------------------------------------------------------------

@pytest.mark.parametrize(("language", "text"), [
    ("nl", "Pagina niet gevonden"), ("fr", "Page introuvable"), ("de", "Seite nicht gefunden"),
    ("en", "Page not found"),
])
def test_404_page_is_translated(client, language, text):
    response = client.get("/nowhere", headers={"Accept-Language": language})
    assert response.status_code == 404
    assert text in response.text and f'lang="{language}"' in response.text


def test_405_page_is_translated(client):
    response = client.get("/logout", headers={"Accept-Language": "fr"})
    assert response.status_code == 405
    assert "Méthode non autorisée" in response.text


@pytest.mark.config(MAX_CONTENT_LENGTH=1000)
def test_413_page_is_translated(client):
    response = client.post("/login", data={"email": "x" * 5000}, headers={"Accept-Language": "de"})
    assert response.status_code == 413
    assert "Datei zu groß" in response.text


def test_400_page_for_missing_csrf_is_translated(client):
    response = client.post("/login", data={"email": "a@b.c"}, headers={"Accept-Language": "de"})
    assert response.status_code == 400
    assert "Ihr Formular ist abgelaufen" in response.text


def test_500_page_is_translated_and_hides_the_error(make_app):
    other = make_app()

    @other.get("/boom")
    def boom():
        raise RuntimeError("secret internals")

    response = other.test_client().get("/boom", headers={"Accept-Language": "fr"})
    assert response.status_code == 500
    assert "Un problème est survenu" in response.text
    assert "secret internals" not in response.text


# --- Bad input ------------------------------------------------------------------------------------------

def test_invalid_utf8_in_a_multipart_form_post_gets_a_clear_error(browser, world):
    from tests.helpers import csrf_from

    token = csrf_from(browser.get("/reset").text)
    boundary = b"xYzZY"
    body = (b"--xYzZY\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n" + token.encode()
            + b"\r\n--xYzZY\r\nContent-Disposition: form-data; name=\"email\"\r\n\r\nanna\xff\xfe@acme.example"
            + b"\r\n--xYzZY--\r\n")
    response = browser.client.post("/reset", data=body,
                                   content_type="multipart/form-data; boundary=" + boundary.decode())
    assert response.status_code == 200
    assert "Dit veld bevat tekens die niet toegestaan zijn." in response.text


def test_invalid_utf8_in_an_urlencoded_post_is_refused_clearly(browser, world):
    from tests.helpers import csrf_from

    token = csrf_from(browser.get("/reset").text)
    body = b"csrf_token=" + token.encode() + b"&email=anna\xff\xfe@acme.example"
    response = browser.client.post("/reset", data=body, content_type="application/x-www-form-urlencoded",
                                   headers={"Accept-Language": "fr"})
    assert response.status_code == 400
    assert "Veuillez recharger la page et réessayer." in response.text


def test_invalid_utf8_in_the_path_and_query_never_breaks(browser, world):
    browser.login(world[PLATFORM_ADMIN].email)
    assert browser.get("/admin/users?q=%FF%FE").status_code == 200
    assert browser.get("/reset/%FF%FE").status_code == 302
    assert browser.get("/%FF").status_code == 404


@pytest.mark.parametrize("code", ["xx", "", "nl-BE", "NL", "a" * 1000, "n\x00l"])
def test_unknown_language_code_is_refused(browser, code):
    response = browser.submit("/language", {"language": code}, headers={"Accept-Language": "de"})
    assert response.status_code == 400
    assert "Wählen Sie eine der angebotenen Sprachen." in response.text


def test_overlong_login_fields_get_errors_not_500(browser):
    response = browser.submit("/login", {"email": "a" * 10_000 + "@x.be", "password": "p" * 5000,
                                         "next": "/" + "n" * 10_000})
    assert response.status_code == 200
    assert "Gebruik hoogstens 254 tekens." in response.text


def test_nul_byte_in_login_is_refused(browser):
    response = browser.submit("/login", {"email": "anna@acme.example\x00", "password": "x\x00y"})
    assert response.status_code == 200
    assert "Dit veld bevat tekens die niet toegestaan zijn." in response.text


# --- Configuration ----------------------------------------------------------------------------------------

def test_production_refuses_to_start_without_secret_key(monkeypatch):
    monkeypatch.setenv("OSCART_ENV", "production")
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", None)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app()


def test_production_cookies_are_secure(monkeypatch, app):
    monkeypatch.setenv("OSCART_ENV", "production")
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", "a-real-secret-from-the-environment")
    production = create_app({"SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})
    try:
        assert production.config["SESSION_COOKIE_SECURE"] and production.config["REMEMBER_COOKIE_SECURE"]
        assert production.config["SESSION_COOKIE_HTTPONLY"] and production.config["SESSION_COOKIE_SAMESITE"] == "Lax"
        assert production.config["REMEMBER_COOKIE_DURATION"].days <= 30
        assert not production.debug and not production.testing
        response = production.test_client().get("/login")
        assert "Secure" in response.headers["Set-Cookie"]
        assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    finally:
        with production.app_context():
            db.session.remove()
            db.engine.dispose()
        create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"]})


def test_healthz_reports_an_unreachable_database(make_app):
    broken = make_app(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://nobody@127.0.0.1:1/none")
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable"}
