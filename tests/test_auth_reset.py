"""Password reset by e-mail."""

import re
import time
from urllib.parse import urlsplit

import pytest
from itsdangerous import TimestampSigner

from oscart.audit.models import AuditEvent
from oscart.core.extensions import db
from tests.factories import PASSWORD, make_company, make_user
from tests.helpers import csrf_from, mail_link

NEW = "a brand new passphrase"


def request_reset(browser, email, **kwargs):
    return browser.submit("/reset", {"email": email}, form_page="/reset", **kwargs)


def set_password(browser, link, password=NEW, confirm=None):
    path = urlsplit(link).path
    return browser.submit(path, {"password": password, "confirm": confirm or password}, form_page=path)


def test_reset_mail_in_the_users_language_with_a_link_from_the_public_base_url(browser, outbox):
    user = make_user(company=make_company(), email="bruno@globex.example", language="fr")
    # A forged Host header must not end up in the link.
    evil = {"Host": "evil.example"}
    token = csrf_from(browser.get("/reset", headers=evil).text)
    response = browser.client.post("/reset", data={"csrf_token": token, "email": "Bruno@Globex.example"},
                                   headers=evil)
    assert response.status_code == 302
    assert len(outbox) == 1
    message = outbox[0]
    assert message["To"] == user.email
    assert message["Subject"] == "Réinitialisez votre mot de passe Oscart"
    link = mail_link(message)
    assert link.startswith("https://portal.oscart.example/reset/")
    assert "evil.example" not in message.as_string()
    assert "expire après 60 minutes" in message.get_body(("plain",)).get_content()


def test_reset_link_sets_a_new_password_once(browser, outbox):
    user = make_user(company=make_company())
    request_reset(browser, user.email)
    link = mail_link(outbox[0])
    response = set_password(browser, link)
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    assert browser.login(user.email, NEW).status_code == 302
    browser.logout()
    # The same link a second time is dead.
    again = browser.get(urlsplit(link).path)
    assert again.status_code == 302
    assert "Deze link is ongeldig, verlopen of al gebruikt." in browser.get(again.headers["Location"]).text
    assert db.session.scalar(db.select(AuditEvent).where(AuditEvent.action == "password.reset")) is not None


def test_opening_the_link_does_not_use_it_up(browser, outbox):
    user = make_user(company=make_company())
    request_reset(browser, user.email)
    link = mail_link(outbox[0])
    assert browser.get(urlsplit(link).path).status_code == 200
    assert browser.get(urlsplit(link).path).status_code == 200
    assert set_password(browser, link).status_code == 302


@pytest.mark.parametrize(("seconds", "works"), [(3590, True), (3610, False)])
def test_reset_link_expires_after_the_configured_time(browser, outbox, monkeypatch, seconds, works):
    user = make_user(company=make_company())
    request_reset(browser, user.email)
    link = mail_link(outbox[0])
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) + seconds)
    path = urlsplit(link).path
    assert browser.get(path).status_code == (200 if works else 302)
    response = browser.submit(path, {"password": NEW, "confirm": NEW})
    assert (response.headers.get("Location") == "/login") is works


@pytest.mark.config(PASSWORD_RESET_MAX_AGE=600)
def test_reset_lifetime_comes_from_the_configuration(browser, outbox, monkeypatch):
    user = make_user(company=make_company())
    request_reset(browser, user.email)
    assert "vervalt na 10 minuten" in outbox[0].get_body(("plain",)).get_content()
    link = mail_link(outbox[0])
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) + 610)
    assert browser.get(urlsplit(link).path).status_code == 302


def test_reset_link_dies_when_the_password_changes_otherwise(browser, outbox):
    user = make_user(company=make_company())
    request_reset(browser, user.email)
    link = mail_link(outbox[0])
    browser.login(user.email)
    browser.submit("/account/password", {"current_password": PASSWORD, "new_password": "another good passphrase",
                                         "confirm": "another good passphrase"}, form_page="/account/password")
    browser.logout()
    response = browser.get(urlsplit(link).path)
    assert response.status_code == 302
    assert response.headers["Location"] == "/reset"


def test_tampered_token_is_refused(browser, outbox):
    user = make_user(company=make_company())
    request_reset(browser, user.email)
    path = urlsplit(mail_link(outbox[0])).path
    forged = path[:-10] + ("A" if path[-10] != "A" else "B") + path[-9:]  # inside the signature
    assert browser.get(forged).status_code == 302
    assert browser.get("/reset/" + "A" * 5000).status_code == 302


def test_request_page_says_the_same_for_known_and_unknown_addresses(browser, outbox):
    make_user(company=make_company(), email="known@example.com")
    pages = []
    for address in ("known@example.com", "unknown@example.com"):
        response = request_reset(browser, address)
        assert response.status_code == 302
        assert response.headers["Location"] == "/login"
        pages.append(re.sub(r'value="[^"]*"', "", browser.get("/login").text))
    assert pages[0] == pages[1]
    assert "Als er een account met dit adres bestaat" in pages[0]
    assert [m["To"] for m in outbox] == ["known@example.com"]


def test_reset_ends_every_session_and_remember_cookie(browser, app, outbox):
    user = make_user(company=make_company())
    other = type(browser)(app.test_client())
    other.login(user.email, remember=True)
    remember = other.client.get_cookie("oscart_remember").value
    request_reset(browser, user.email)
    set_password(browser, mail_link(outbox[0]))
    assert other.get("/dashboard").status_code == 302
    fresh = app.test_client()
    fresh.set_cookie("oscart_remember", remember)
    assert fresh.get("/dashboard").status_code == 302


@pytest.mark.config(LOGIN_MAX_FAILURES=2)
def test_reset_unlocks_a_locked_account(browser, outbox):
    user = make_user(company=make_company())
    for _ in range(2):
        browser.login(user.email, "wrong password here")
    request_reset(browser, user.email)
    set_password(browser, mail_link(outbox[-1]))
    assert browser.login(user.email, NEW).status_code == 302


@pytest.mark.parametrize(("password", "message"), [
    ("too short", "Gebruik minstens 12 tekens."),
    ("1q2w3e4r5t6y", "Dit wachtwoord komt te vaak voor."),
])
def test_reset_refuses_a_weak_password_and_keeps_the_link_usable(browser, outbox, password, message):
    user = make_user(company=make_company())
    request_reset(browser, user.email)
    link = mail_link(outbox[0])
    response = set_password(browser, link, password)
    assert response.status_code == 200
    assert message in response.text
    assert set_password(browser, link).status_code == 302


@pytest.mark.parametrize(("email", "message"), [
    ("not an address", "Vul een geldig e-mailadres in"),
    ("", "Vul dit veld in."),
    ("a" * 250 + "@example.com", "Gebruik hoogstens 254 tekens."),
    ("anna\x00@example.com", "Dit veld bevat tekens die niet toegestaan zijn."),
])
def test_reset_request_refuses_bad_addresses_with_translated_errors(browser, outbox, email, message):
    response = request_reset(browser, email)
    assert response.status_code == 200
    assert message in response.text
    assert outbox == []


def test_no_reset_mail_for_a_deactivated_account(browser, outbox):
    user = make_user(company=make_company(), is_active=False)
    assert request_reset(browser, user.email).status_code == 302
    assert outbox == []
