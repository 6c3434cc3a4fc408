"""Every form that checks a password is throttled like the login: one address limit, one account lockout."""

from dataclasses import dataclass, field

import pytest

from oscart.accounts.models import User
from oscart.core.extensions import db
from tests.factories import PASSWORD, enable_two_step, make_company, make_user
from tests.helpers import Browser

WRONG = "not my password at all"
WRONG_TEXT = "Het wachtwoord is niet juist."
LOCKED_TEXT = "Het e-mailadres of wachtwoord is onjuist, of het account kan zich momenteel niet aanmelden."
LOCK_MAIL = "Uw Oscart-account is tijdelijk geblokkeerd"


@dataclass
class PasswordForm:
    """One place that asks for a password: how to post it and how to tell that it was accepted."""

    name: str
    url: str
    fields: dict = field(default_factory=dict)
    password_field: str = "password"
    two_step: bool = False
    logged_in: bool = True

    def post(self, browser, user, password):
        data = {**self.fields, self.password_field: password}
        if self.name == "login":
            data["email"] = user.email
        if self.name == "two-step off":
            data["code"] = user.recovery.pop()
        return browser.submit(self.url, data, form_page=self.url if self.name != "two-step off" else None)

    def accepted(self, response, user):
        db.session.expire_all()
        if self.name == "two-step off":
            return not db.session.get(User, user.id).has_two_step
        if self.name == "new recovery codes":
            return response.status_code == 200 and response.text.count("<li><code>") == 10
        if self.name == "data export":
            return response.status_code == 200 and response.mimetype == "application/zip"
        return response.status_code == 302 and response.headers["Location"] == self.success_location

    @property
    def success_location(self):
        return {"login": "/dashboard", "password change": "/account/",
                "two-step on": "/account/security/two-step/setup"}[self.name]

    def after_success(self, browser, user):
        """Put the account back where the next attempt expects it."""
        if self.name == "login":
            browser.logout()
        if self.name == "two-step off":
            user.recovery = list(enable_two_step(user, codes=True)[1])

    def page_text(self, browser, response):
        # Turning two-step off answers with a redirect and a flashed message.
        return browser.get(response.headers["Location"]).text if response.status_code == 302 else response.text


FORMS = [
    PasswordForm("login", "/login", logged_in=False),
    PasswordForm("password change", "/account/password", password_field="current_password",
                 fields={"new_password": PASSWORD, "confirm": PASSWORD}),
    PasswordForm("two-step on", "/account/security/two-step/enable"),
    PasswordForm("new recovery codes", "/account/security/two-step/recovery-codes", two_step=True),
    PasswordForm("two-step off", "/account/security/two-step/disable", two_step=True),
    PasswordForm("data export", "/privacy/me/export"),
]


def sign_in(browser, user, form):
    if not form.logged_in:
        return
    if form.two_step:
        assert browser.login(user.email).headers["Location"] == "/login/two-step"
        response = browser.submit("/login/two-step", {"code": user.recovery.pop()}, form_page="/login/two-step")
    else:
        response = browser.login(user.email)
    assert response.headers["Location"] != "/login"


@pytest.fixture
def person():
    user = make_user(company=make_company(), language="nl")
    user.recovery = list(enable_two_step(user, codes=True)[1])
    return user


@pytest.mark.parametrize("form", FORMS, ids=lambda form: form.name)
@pytest.mark.config(LOGIN_MAX_FAILURES=3, LOGIN_LOCKOUT_MINUTES=15, RATELIMIT_LOGIN="6 per 5 minutes",
                    RATELIMIT_PRIVACY_EXPORT="100 per hour")
def test_every_password_check_counts_toward_the_lockout_and_the_address_limit(app, form, outbox):
    user = make_user(company=make_company(), language="nl")
    user.recovery = list(enable_two_step(user, codes=True)[1]) if form.two_step else []
    browser = Browser(app.test_client())
    sign_in(browser, user, form)

    # Wrong passwords are refused; the right one still works before the account is locked.
    for _ in range(2):
        response = form.post(browser, user, WRONG)
        assert not form.accepted(response, user)
    assert form.accepted(form.post(browser, user, PASSWORD), user)
    form.after_success(browser, user)

    # The success cleared the count: three consecutive wrong passwords lock the account.
    for _ in range(3):
        response = form.post(browser, user, WRONG)
        assert not form.accepted(response, user)
        expected = LOCKED_TEXT if form.name == "login" else WRONG_TEXT
        assert expected in form.page_text(browser, response)
    db.session.expire_all()
    assert db.session.get(User, user.id).is_locked()
    assert [m["Subject"] for m in outbox].count(LOCK_MAIL) == 1

    # Locked: even the right password is refused, with the login's message, here and at the login.
    response = form.post(browser, user, PASSWORD)
    assert not form.accepted(response, user)
    assert LOCKED_TEXT in form.page_text(browser, response)
    elsewhere = Browser(app.test_client())
    elsewhere.client.environ_base["REMOTE_ADDR"] = "198.51.100.77"
    assert LOCKED_TEXT in elsewhere.login(user.email).text

    # Six failures from this address: the next attempt is refused before any password is checked.
    response = form.post(browser, user, PASSWORD)
    assert response.status_code == 429
    assert "Te veel pogingen" in response.text
    assert int(response.headers["Retry-After"]) > 0


@pytest.mark.config(RATELIMIT_LOGIN="3 per minute", LOGIN_MAX_FAILURES=50)
def test_one_address_limit_for_all_password_forms(app):
    user = make_user(company=make_company(), language="nl")
    browser = Browser(app.test_client())
    assert browser.login("nobody@example.com", WRONG).status_code == 200
    browser.login(user.email)
    for url, data in (("/account/security/two-step/enable", {"password": WRONG}),
                      ("/privacy/me/export", {"password": WRONG})):
        assert browser.submit(url, data, form_page=url).status_code == 200
    response = browser.submit("/account/password", {"current_password": PASSWORD, "new_password": WRONG * 2,
                                                    "confirm": WRONG * 2}, form_page="/account/password")
    assert response.status_code == 429


@pytest.mark.config(RATELIMIT_TWO_STEP_ACCOUNT="2 per 5 minutes", RATELIMIT_PRIVACY_EXPORT="100 per hour")
def test_wrong_codes_at_the_data_export_count_like_wrong_codes_at_login(app, person):
    browser = Browser(app.test_client())
    sign_in(browser, person, FORMS[3])
    for _ in range(2):
        response = browser.submit("/privacy/me/export", {"password": PASSWORD, "code": "aaaa-bbbb-cccc-dddd"},
                                  form_page="/privacy/me/export")
        assert response.status_code == 200 and response.mimetype == "text/html"
    response = browser.submit("/privacy/me/export", {"password": PASSWORD, "code": person.recovery.pop()},
                              form_page="/privacy/me/export")
    assert response.status_code == 429
