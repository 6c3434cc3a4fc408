import re
from datetime import timedelta

import pytest

from oscart.accounts.models import User
from oscart.audit.models import AuditEvent
from oscart.auth.models import UserSession
from oscart.core.database import utcnow
from oscart.core.extensions import db
from tests.factories import PASSWORD, make_company, make_user

INVALID = "Het e-mailadres of wachtwoord is onjuist"


def events(action):
    return db.session.scalars(db.select(AuditEvent).where(AuditEvent.action == action)).all()


def test_login_form_keeps_its_field_names(client):
    page = client.get("/login").text
    for name in ("email", "password", "remember", "csrf_token"):
        assert f'name="{name}"' in page


def test_wrong_password_gets_neutral_message_and_stays_logged_out(browser):
    user = make_user(company=make_company())
    response = browser.login(user.email, "wrong password here")
    assert response.status_code == 200
    assert INVALID in response.text
    assert browser.get("/dashboard").status_code == 302


def test_unknown_email_gets_the_same_message_as_a_wrong_password(browser):
    make_user(company=make_company(), email="known@example.com")
    unknown = browser.login("nobody@example.com", "some password 123")
    wrong = browser.login("known@example.com", "some password 123")
    assert INVALID in unknown.text and INVALID in wrong.text
    strip = re.compile(r'value="[^"]*"')
    assert strip.sub("", unknown.text) == strip.sub("", wrong.text)


def test_unknown_email_burns_one_password_hash_like_a_known_one(browser, monkeypatch):
    from argon2 import PasswordHasher

    calls = []
    original = PasswordHasher.verify

    def spy(self, hash, password):
        calls.append(hash)
        return original(self, hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", spy)
    browser.login("nobody@example.com", "some password 123")
    assert len(calls) == 1
    assert calls[0].startswith("$argon2id$")


def test_login_succeeds_with_differently_cased_and_unicode_email(browser):
    make_user(company=make_company(), email="anna@acme.example")
    # Upper case and a full-width "Ａ" (NFKC-normalised to "A") reach the same account.
    response = browser.login("\uff21nna@ACME.example")
    assert response.status_code == 302
    assert browser.get("/dashboard").status_code == 200


@pytest.mark.config(LOGIN_MAX_FAILURES=3, LOGIN_LOCKOUT_MINUTES=15)
def test_account_locks_after_consecutive_failures_and_mails_the_user(browser, outbox):
    user = make_user(company=make_company(), email="anna@acme.example", language="nl")
    for address in ("anna@acme.example", "Anna@ACME.example", "ANNA@acme.example"):
        browser.login(address, "wrong password here")
    db.session.refresh(user)
    assert user.locked_until is not None and user.locked_until > utcnow() + timedelta(minutes=14)
    # Even the right password is refused now, with the same neutral message.
    response = browser.login("anna@acme.example")
    assert response.status_code == 200
    assert INVALID in response.text
    assert browser.get("/dashboard").status_code == 302
    assert [m["To"] for m in outbox] == ["anna@acme.example"]
    assert outbox[0]["Subject"] == "Uw Oscart-account is tijdelijk geblokkeerd"
    assert len(events("login.locked")) == 1


@pytest.mark.config(LOGIN_MAX_FAILURES=3)
def test_lock_ends_after_the_lockout_time(browser):
    user = make_user(company=make_company())
    for _ in range(3):
        browser.login(user.email, "wrong password here")
    db.session.refresh(user)
    user.locked_until = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert browser.login(user.email).status_code == 302


@pytest.mark.config(LOGIN_MAX_FAILURES=3)
def test_success_resets_the_failure_counter(browser):
    user = make_user(company=make_company())
    for _ in range(2):
        browser.login(user.email, "wrong password here")
    assert browser.login(user.email).status_code == 302
    browser.logout()
    for _ in range(2):
        browser.login(user.email, "wrong password here")
    db.session.refresh(user)
    assert user.locked_until is None
    assert browser.login(user.email).status_code == 302


def test_login_and_failure_are_audited_with_ip_and_company(browser):
    company = make_company()
    user = make_user(company=company)
    browser.login(user.email, "wrong password here")
    browser.login(user.email)
    failed, succeeded = events("login.failed"), events("login.succeeded")
    assert len(failed) == 1 and len(succeeded) == 1
    assert succeeded[0].actor_id == user.id
    assert {failed[0].company_id, succeeded[0].company_id} == {company.id}
    assert succeeded[0].ip == "127.0.0.1"


def test_deactivated_user_cannot_log_in(browser):
    user = make_user(company=make_company(), is_active=False)
    response = browser.login(user.email)
    assert response.status_code == 200
    assert INVALID in response.text


# --- Server-side sessions ----------------------------------------------------------------------------

def test_logout_revokes_the_server_side_session(browser, app):
    user = make_user(company=make_company())
    browser.login(user.email)
    copied_cookie = browser.client.get_cookie("session").value
    browser.logout()
    thief = app.test_client()
    thief.set_cookie("session", copied_cookie)
    response = thief.get("/dashboard")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    assert db.session.scalar(db.select(UserSession.revoked_at)) is not None


def test_logout_needs_post(browser):
    user = make_user(company=make_company())
    browser.login(user.email)
    assert browser.get("/logout").status_code == 405
    assert browser.get("/dashboard").status_code == 200


def test_session_cookie_holds_a_random_token_not_the_user_id(browser, app):
    user = make_user(company=make_company())
    browser.login(user.email)
    with browser.client.session_transaction() as session:
        token = session["_user_id"]
    assert token != str(user.id) and len(token) >= 40


def test_session_cookie_is_renewed_at_login(browser):
    user = make_user(company=make_company())
    browser.get("/login")
    with browser.client.session_transaction() as session:
        session["planted"] = "by an attacker"
    browser.login(user.email)
    with browser.client.session_transaction() as session:
        assert "planted" not in session


def test_login_renews_the_csrf_secret_and_the_next_page_leaves_the_cookie_alone(browser):
    user = make_user(company=make_company())
    browser.get("/login")
    with browser.client.session_transaction() as session:
        anonymous_secret = session["csrf_token"]
    assert browser.login(user.email).status_code == 302
    with browser.client.session_transaction() as session:
        assert session["csrf_token"] != anonymous_secret
    page = browser.get("/dashboard")
    assert page.status_code == 200 and 'name="csrf_token"' in page.text
    assert "Set-Cookie" not in page.headers  # the login's cookie already holds everything the page needs


def test_each_request_loads_user_and_session_in_one_query_without_writes(browser, count_queries):
    user = make_user(company=make_company())
    browser.login(user.email)
    browser.get("/account/")
    with count_queries() as counter:  # pages that show only the user's own account
        assert browser.get("/account/").status_code == 200
        assert browser.get("/account/password").status_code == 200
    assert counter.count == 2, counter.statements
    assert all(s.lstrip().upper().startswith("SELECT") for s in counter.statements)


def test_last_seen_is_written_at_most_every_few_minutes(browser):
    user = make_user(company=make_company())
    browser.login(user.email)
    record = db.session.scalar(db.select(UserSession))
    record.last_seen_at = utcnow() - timedelta(minutes=10)
    db.session.commit()
    browser.get("/dashboard")
    db.session.refresh(record)
    assert record.last_seen_at > utcnow() - timedelta(minutes=1)


def test_idle_session_expires(browser):
    user = make_user(company=make_company())
    browser.login(user.email)
    record = db.session.scalar(db.select(UserSession))
    record.expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert browser.get("/dashboard").status_code == 302


def test_session_cookie_is_httponly_and_samesite_lax(browser):
    user = make_user(company=make_company())
    response = browser.login(user.email, remember=True)
    cookies = response.headers.getlist("Set-Cookie")
    session_cookie = next(c for c in cookies if c.startswith("session="))
    remember_cookie = next(c for c in cookies if c.startswith("oscart_remember="))
    for cookie in (session_cookie, remember_cookie):
        assert "HttpOnly" in cookie
        assert "SameSite=Lax" in cookie


def test_remember_cookie_only_when_ticked(browser):
    user = make_user(company=make_company())
    browser.login(user.email)
    assert browser.client.get_cookie("oscart_remember") is None
    assert db.session.scalar(db.select(UserSession.is_remembered)) is False


def test_remember_cookie_and_session_last_at_most_30_days(browser):
    user = make_user(company=make_company())
    browser.login(user.email, remember=True)
    cookie = browser.client.get_cookie("oscart_remember")
    assert cookie.expires is not None
    assert cookie.expires <= utcnow() + timedelta(days=30, minutes=1)
    record = db.session.scalar(db.select(UserSession))
    assert record.expires_at <= utcnow() + timedelta(days=30, minutes=1)


def test_remember_me_survives_end_of_browser_session(browser, app):
    user = make_user(company=make_company())
    browser.login(user.email, remember=True)
    remember = browser.client.get_cookie("oscart_remember")
    assert remember is not None
    fresh = app.test_client()
    fresh.set_cookie("oscart_remember", remember.value)
    assert fresh.get("/dashboard").status_code == 200


def test_logout_ends_a_remembered_login_too(browser, app):
    user = make_user(company=make_company())
    browser.login(user.email, remember=True)
    remember = browser.client.get_cookie("oscart_remember").value
    browser.logout()
    fresh = app.test_client()
    fresh.set_cookie("oscart_remember", remember)
    assert fresh.get("/dashboard").status_code == 302


# --- Redirects after login -----------------------------------------------------------------------------

@pytest.mark.parametrize("target", [
    "//evil.example/",
    "/\\evil.example/",
    "https:evil.example",
    "https://evil.example/",
    "javascript:alert(1)",
    "/%09/evil.example",
    "%09//evil.example",
    "/\t/evil.example",
    "\\\\evil.example",
    "dashboard",
])
def test_next_never_leaves_the_site(browser, target):
    user = make_user(company=make_company())
    response = browser.submit("/login", {"email": user.email, "password": PASSWORD, "next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard"


def test_next_to_a_local_path_is_followed(browser):
    user = make_user(company=make_company())
    response = browser.submit("/login", {"email": user.email, "password": PASSWORD, "next": "/account/?tab=1"})
    assert response.headers["Location"] == "/account/?tab=1"


def test_login_page_keeps_next_from_the_redirect(client):
    response = client.get("/account/")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).text
    assert 'name="next" type="hidden" value="/account/"' in page


def test_user_row_is_found_case_insensitively(app):
    from oscart.auth.services import find_user_by_email

    user = make_user(email="anna@acme.example")
    assert find_user_by_email("  Anna@ACME.example ").id == user.id
    assert db.session.scalar(db.select(db.func.count(User.id))) == 1
