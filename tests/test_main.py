import pytest

from oscart.core.security import COMPANY_ADMIN, PLATFORM_ADMIN, TRAINEE, TRAINER
from tests.factories import make_company, make_user


def test_healthz_answers_ok_when_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


@pytest.mark.parametrize(
    ("role", "landing"),
    [(TRAINEE, "/dashboard"), (TRAINER, "/classroom/teach"), (COMPANY_ADMIN, "/company/"),
     (PLATFORM_ADMIN, "/admin/")],
)
def test_login_lands_on_page_of_role(browser, role, landing):
    company = make_company() if role in (TRAINEE, COMPANY_ADMIN) else None
    user = make_user(role=role, company=company)
    response = browser.login(user.email)
    assert response.status_code == 302
    assert response.headers["Location"] == landing
    assert browser.get(landing).status_code == 200


@pytest.mark.parametrize(("code", "greeting"), [("nl", "Welkom"), ("fr", "Bienvenue"), ("de", "Willkommen"),
                                                ("en", "Welcome")])
def test_language_choice_sticks_for_anonymous_visitor(browser, code, greeting):
    response = browser.submit("/language", {"language": code, "next": "/"})
    assert response.status_code == 302
    page = browser.get("/")
    assert f'lang="{code}"' in page.text
    assert greeting in page.text


def test_language_choice_is_stored_on_account(browser):
    user = make_user(company=make_company(), language="nl")
    browser.login(user.email)
    browser.submit("/language", {"language": "de", "next": "/dashboard"})
    from oscart.core.extensions import db

    db.session.refresh(user)
    assert user.language == "de"


def test_unknown_language_is_refused_with_translated_error(browser):
    response = browser.submit("/language", {"language": "xx"}, headers={"Accept-Language": "fr"})
    assert response.status_code == 400
    assert "langues proposées" in response.text


def test_language_switch_needs_csrf(client):
    assert client.post("/language", data={"language": "fr"}).status_code == 400
