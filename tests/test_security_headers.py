"""Security headers on every response, error pages included."""

import pytest

from tests.factories import make_company, make_user


@pytest.mark.parametrize("path, status", [("/", 200), ("/login", 200), ("/no-such-page", 404),
                                          ("/admin/", 302), ("/logout", 405)])
def test_headers_on_pages_and_error_pages(client, path, status):
    response = client.get(path)
    assert response.status_code == status
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "Strict-Transport-Security" not in response.headers


def test_csrf_refusal_page_has_the_headers(client):
    response = client.post("/login", data={"email": "a@b.c", "password": "x"})
    assert response.status_code == 400
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_forbidden_page_for_a_logged_in_user_is_not_cached(browser):
    browser.login(make_user(company=make_company()).email)
    response = browser.get("/admin/")
    assert response.status_code == 403
    assert response.headers["Cache-Control"] == "no-store"
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_logged_in_pages_are_not_cached(browser):
    browser.login(make_user(company=make_company()).email)
    assert browser.get("/account/security/").headers["Cache-Control"] == "no-store"


@pytest.mark.config(SECURITY_HSTS=True)
def test_hsts_when_enabled_as_in_production(client):
    assert client.get("/no-such-page").headers["Strict-Transport-Security"].startswith("max-age=")


def test_production_config_turns_hsts_on():
    from config import ProductionConfig

    assert ProductionConfig.SECURITY_HSTS is True
    assert ProductionConfig.TWO_STEP_REQUIRED_FOR_PLATFORM_ADMINS is True


def test_pages_have_no_inline_script_or_style(browser):
    browser.login(make_user(company=make_company()).email)
    for path in ("/account/security/", "/account/photo", "/login"):
        html = browser.get(path).text
        assert "<script>" not in html and " style=" not in html and "onclick" not in html
