"""Two-step login: the code step between password and session, its rules, enrolment and switching it off."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from oscart.accounts.models import User
from oscart.audit.models import AuditEvent
from oscart.auth import twostep
from oscart.auth.models import RecoveryCode, UserSession
from oscart.core.database import utcnow
from oscart.core.extensions import db
from oscart.core.security import COMPANY_ADMIN, PLATFORM_ADMIN
from tests.factories import PASSWORD, enable_two_step, make_company, make_user, pyotp_code


@pytest.fixture
def user(browser):
    # Before the login is complete the visitor's browser language applies: English here.
    browser.client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return make_user(company=make_company(), language="en")


def actions(user):
    return db.session.scalars(select(AuditEvent.action).where(AuditEvent.subject_id == user.id)
                              .order_by(AuditEvent.seq)).all()


def test_password_alone_does_not_log_in_when_two_step_is_on(browser, user):
    enable_two_step(user)
    response = browser.login(user.email)
    assert response.headers["Location"] == "/login/two-step"
    assert db.session.scalar(select(UserSession.id)) is None


@pytest.mark.parametrize("path", ["/dashboard", "/account/", "/account/security/", "/account/photo"])
def test_nothing_else_is_reachable_between_password_and_code(browser, user, path):
    enable_two_step(user)
    browser.login(user.email)
    response = browser.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_correct_code_finishes_the_login(browser, user):
    secret = enable_two_step(user)
    browser.login(user.email)
    response = browser.submit("/login/two-step", {"code": pyotp_code(secret)}, form_page="/login/two-step")
    assert response.status_code == 302
    assert response.headers["Location"] == "/dashboard"
    assert browser.get("/dashboard").status_code == 200
    assert "login.succeeded" in actions(user)


def test_wrong_code_is_refused_and_audited(browser, user):
    secret = enable_two_step(user)
    browser.login(user.email)
    wrong = "000000" if pyotp_code(secret) != "000000" else "111111"
    response = browser.submit("/login/two-step", {"code": wrong}, form_page="/login/two-step")
    assert response.status_code == 200
    assert "This code is not correct" in response.text
    assert browser.get("/dashboard").status_code == 302
    assert "two_step.failed" in actions(user)


def test_a_code_works_only_once(browser, app, user):
    secret = enable_two_step(user)
    code = pyotp_code(secret)
    browser.login(user.email)
    browser.submit("/login/two-step", {"code": code}, form_page="/login/two-step")
    browser.logout()
    browser.login(user.email)
    response = browser.submit("/login/two-step", {"code": code}, form_page="/login/two-step")
    assert response.status_code == 200
    assert browser.get("/dashboard").status_code == 302
    assert "two_step.replay_refused" in actions(user)


def test_clock_window_is_one_step_each_way(user):
    secret = enable_two_step(user)
    now = utcnow() + timedelta(hours=1)
    assert not twostep.check_totp(user, pyotp_code(secret, now - timedelta(seconds=65)), now=now)
    assert not twostep.check_totp(user, pyotp_code(secret, now + timedelta(seconds=65)), now=now)
    assert twostep.check_totp(user, pyotp_code(secret, now - timedelta(seconds=30)), now=now)
    assert twostep.check_totp(user, pyotp_code(secret, now + timedelta(seconds=30)), now=now)


def test_an_older_code_than_the_last_used_one_is_refused(user):
    secret = enable_two_step(user)
    now = utcnow() + timedelta(hours=1)
    assert twostep.check_totp(user, pyotp_code(secret, now + timedelta(seconds=30)), now=now)
    assert not twostep.check_totp(user, pyotp_code(secret, now), now=now)


def test_recovery_code_works_once(browser, user):
    _secret, codes = enable_two_step(user, codes=True)
    assert len(codes) == 10
    browser.login(user.email)
    response = browser.submit("/login/two-step", {"code": codes[0].upper()}, form_page="/login/two-step")
    assert response.headers["Location"] == "/dashboard"
    browser.logout()
    browser.login(user.email)
    response = browser.submit("/login/two-step", {"code": codes[0]}, form_page="/login/two-step")
    assert response.status_code == 200
    assert browser.get("/dashboard").status_code == 302


def test_recovery_codes_are_stored_hashed(user):
    _secret, codes = enable_two_step(user, codes=True)
    stored = db.session.scalars(select(RecoveryCode.code_hash)).all()
    assert len(stored) == 10
    assert not set(codes) & set(stored)
    assert all(len(digest) == 64 for digest in stored)


def test_half_finished_login_expires_after_five_minutes(browser, user):
    secret = enable_two_step(user)
    browser.login(user.email)
    with browser.client.session_transaction() as session:
        pending = session["pending_login"]
        pending["at"] -= 301
        session["pending_login"] = pending
    response = browser.submit("/login/two-step", {"code": pyotp_code(secret)}, form_page="/privacy")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    assert browser.get("/dashboard").status_code == 302


@pytest.mark.config(RATELIMIT_TWO_STEP_ACCOUNT="3 per 5 minutes", RATELIMIT_TWO_STEP="100 per 5 minutes")
def test_wrong_codes_are_throttled_per_account_across_addresses(app, user):
    from tests.helpers import Browser

    enable_two_step(user)
    statuses = []
    for n in range(5):
        browser = Browser(app.test_client())
        browser.client.environ_base["REMOTE_ADDR"] = f"198.51.100.{n}"
        browser.login(user.email)
        statuses.append(browser.submit("/login/two-step", {"code": "12345x"}, form_page="/login/two-step")
                        .status_code)
    assert statuses == [200, 200, 200, 429, 429]


@pytest.mark.config(RATELIMIT_TWO_STEP="3 per 5 minutes", RATELIMIT_TWO_STEP_ACCOUNT="100 per 5 minutes")
def test_wrong_codes_are_throttled_per_address_across_accounts(browser):
    company = make_company()
    statuses = []
    for _ in range(4):
        other = make_user(company=company)
        enable_two_step(other)
        browser.login(other.email)
        statuses.append(browser.submit("/login/two-step", {"code": "12345x"}, form_page="/login/two-step")
                        .status_code)
    assert statuses == [200, 200, 200, 429]


def test_disabling_needs_password_and_code_and_sends_a_mail(browser, user, outbox):
    secret, recovery = enable_two_step(user, codes=True)
    browser.login(user.email)
    browser.submit("/login/two-step", {"code": pyotp_code(secret)}, form_page="/login/two-step")
    user_id = user.id
    wrong_password = browser.submit("/account/security/two-step/disable",
                                    {"password": "not my password", "code": "123456"})
    assert wrong_password.status_code == 302
    assert db.session.get(User, user_id).has_two_step
    # The current code was used to log in, so a recovery code stands in for the second one.
    response = browser.submit("/account/security/two-step/disable", {"password": PASSWORD, "code": recovery[0]})
    assert response.status_code == 302
    assert not db.session.get(User, user_id).has_two_step
    assert [m["Subject"] for m in outbox] == ["Two-step authentication was turned off"]
    assert "two_step.disabled" in actions(user)


def test_enrolling_from_the_security_page(browser, user):
    browser.login(user.email)
    assert browser.submit("/account/security/two-step/enable", {"password": "wrong password"}).status_code == 200
    response = browser.submit("/account/security/two-step/enable", {"password": PASSWORD})
    assert response.headers["Location"] == "/account/security/two-step/setup"
    page = browser.get("/account/security/two-step/setup")
    secret = db.session.get(User, user.id).two_step_secret
    assert "<svg" in page.text
    assert " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)) in page.text
    response = browser.submit("/account/security/two-step/setup", {"code": pyotp_code(secret)},
                              form_page="/account/security/two-step/setup")
    assert response.status_code == 200
    assert response.text.count("<li><code>") == 10
    assert db.session.get(User, user.id).has_two_step
    assert response.headers["Cache-Control"] == "no-store"


def test_setup_page_needs_the_password_first(browser, user):
    browser.login(user.email)
    response = browser.get("/account/security/two-step/setup")
    assert response.headers["Location"] == "/account/security/"


def test_regenerated_recovery_codes_replace_the_old_ones(browser, user):
    secret, old = enable_two_step(user, codes=True)
    browser.login(user.email)
    browser.submit("/login/two-step", {"code": pyotp_code(secret)}, form_page="/login/two-step")
    response = browser.submit("/account/security/two-step/recovery-codes", {"password": PASSWORD})
    assert response.text.count("<li><code>") == 10
    assert not twostep.use_recovery_code(db.session.get(User, user.id), old[0])


@pytest.mark.parametrize("policy, role, required", [
    ("none", COMPANY_ADMIN, False), ("admins", COMPANY_ADMIN, True), ("admins", "trainee", False),
    ("all", "trainee", True),
])
def test_company_policy_decides_who_must_use_two_step(policy, role, required):
    person = make_user(role=role, company=make_company(two_step_policy=policy))
    assert twostep.is_required(person) is required


def test_platform_admins_need_two_step_when_the_flag_is_on(app):
    admin = make_user(role=PLATFORM_ADMIN)
    assert twostep.is_required(admin) is False
    app.config["TWO_STEP_REQUIRED_FOR_PLATFORM_ADMINS"] = True
    try:
        assert twostep.is_required(admin) is True
    finally:
        app.config["TWO_STEP_REQUIRED_FOR_PLATFORM_ADMINS"] = False


def test_affected_user_is_guided_to_enrol_at_next_login(browser):
    browser.client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    person = make_user(role=COMPANY_ADMIN, company=make_company(two_step_policy="admins"), language="en")
    response = browser.login(person.email)
    assert response.headers["Location"] == "/login/two-step/setup"
    assert browser.get("/company/").status_code == 302
    page = browser.get("/login/two-step/setup")
    assert "Your organisation requires two-step authentication" in page.text
    secret = db.session.get(User, person.id).two_step_secret
    response = browser.submit("/login/two-step/setup", {"code": pyotp_code(secret)},
                              form_page="/login/two-step/setup")
    assert response.text.count("<li><code>") == 10
    assert db.session.get(User, person.id).has_two_step
    assert browser.get("/company/").status_code == 200


def test_company_admin_sets_the_policy(browser):
    company = make_company()
    admin = make_user(role=COMPANY_ADMIN, company=company)
    browser.login(admin.email)
    response = browser.submit("/company/two-step", {"policy": "all"}, form_page="/company/two-step")
    assert response.status_code == 302
    db.session.refresh(company)
    assert company.two_step_policy == "all"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "company.two_step_policy"))
    assert event.company_id == company.id and event.details == {"before": "none", "after": "all"}


def test_the_secret_is_stored_encrypted_and_only_the_portals_keys_read_it(app, browser, user):
    from sqlalchemy import text

    from oscart.core.encryption import Undecryptable

    secret = enable_two_step(user)
    stored = db.session.execute(text('SELECT two_step_secret FROM "user" WHERE id = :id'), {"id": user.id}).scalar()
    assert secret not in stored and len(stored) > 100  # a Fernet token, not the base32 seed
    browser.login(user.email)
    response = browser.submit("/login/two-step", {"code": pyotp_code(secret)}, form_page="/login/two-step")
    assert response.headers["Location"] == "/dashboard"

    old_key = app.config["SECRET_KEY"]
    app.config.update(SECRET_KEY="a-new-secret-key-after-rotation", SECRET_KEY_FALLBACKS=[old_key])
    db.session.expire_all()
    assert db.session.get(User, user.id).two_step_secret == secret  # the old key, kept as a fallback, reads it
    app.config.update(SECRET_KEY_FALLBACKS=[])
    db.session.expire_all()
    # Without the old key it cannot be read (tests/test_security_key_change.py: what the portal does then).
    assert isinstance(db.session.get(User, user.id).two_step_secret, Undecryptable)
    app.config.update(SECRET_KEY=old_key)
    db.session.expire_all()
