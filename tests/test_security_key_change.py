"""A changed SECRET_KEY without the old one as fallback: two-step secrets that can no longer be decrypted."""

import logging
import re
from datetime import timedelta
from html import unescape

import pytest
from sqlalchemy import select

from oscart.accounts.models import User
from oscart.audit.models import AuditEvent
from oscart.auth.models import RecoveryCode
from oscart.certificates.models import Certificate
from oscart.classroom.models import Registration
from oscart.core.database import utcnow
from oscart.core.encryption import Undecryptable
from oscart.core.extensions import db
from oscart.core.security import PLATFORM_ADMIN
from tests.factories import (
    enable_two_step,
    make_certificate,
    make_classroom_course,
    make_company,
    make_registration,
    make_training_session,
    make_user,
    pyotp_code,
)
from tests.helpers import Browser

NEW_KEY = "a-new-secret-key-without-the-old-one"


@pytest.fixture
def changed_key(app):
    """Call it to replace SECRET_KEY, with no fallback, for the rest of the test."""
    old = app.config["SECRET_KEY"], app.config["SECRET_KEY_FALLBACKS"]

    def change():
        app.config.update(SECRET_KEY=NEW_KEY, SECRET_KEY_FALLBACKS=[])
        db.session.expire_all()

    yield change
    app.config.update(SECRET_KEY=old[0], SECRET_KEY_FALLBACKS=old[1])
    db.session.expire_all()


@pytest.fixture
def person():
    """A trainee with two-step on (secret and recovery codes made under the old key), reading English."""
    user = make_user(company=make_company(), language="en", first_name="Sofie", last_name="Peeters")
    user.secret, user.codes = enable_two_step(user, codes=True)
    return user


def english_browser(app):
    browser = Browser(app.test_client())
    browser.client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return browser


def shown_secret(page):
    return unescape(re.search(r'id="two-step-secret">([^<]+)<', page).group(1)).replace(" ", "")


def test_login_asks_for_the_second_step_and_only_a_recovery_code_passes(app, person, changed_key):
    changed_key()
    browser = english_browser(app)
    assert browser.login(person.email).headers["Location"] == "/login/two-step"
    page = browser.get("/login/two-step")
    assert "The codes of your authenticator app can no longer be checked" in page.text

    response = browser.submit("/login/two-step", {"code": pyotp_code(person.secret)}, form_page="/login/two-step")
    assert response.status_code == 200 and "This code is not correct" in response.text
    assert browser.get("/dashboard").status_code == 302

    response = browser.submit("/login/two-step", {"code": person.codes[0]}, form_page="/login/two-step")
    assert response.headers["Location"] == "/login/two-step/setup"
    page = browser.get("/login/two-step/setup")
    assert "Set up two-step authentication again" in page.text
    assert browser.get("/dashboard").status_code == 302  # not logged in before it is set up again

    new_secret = shown_secret(page.text)
    response = browser.submit("/login/two-step/setup", {"code": pyotp_code(new_secret)},
                              form_page="/login/two-step/setup")
    assert response.text.count("<li><code>") == 10
    assert browser.get("/dashboard").status_code == 200
    assert db.session.get(User, person.id).two_step_secret == new_secret
    assert db.session.scalar(select(AuditEvent.action).where(AuditEvent.action == "two_step.renewed"))

    # From now on the new app entry works, the old recovery codes do not.
    browser.logout()
    browser.login(person.email)
    response = browser.submit("/login/two-step", {"code": person.codes[1]}, form_page="/login/two-step")
    assert response.status_code == 200
    later = utcnow() + timedelta(seconds=30)
    response = browser.submit("/login/two-step", {"code": pyotp_code(new_secret, later)}, form_page="/login/two-step")
    assert response.headers["Location"] == "/dashboard"


def test_leaving_the_set_up_halfway_never_opens_the_account_with_the_password_alone(app, person, changed_key):
    changed_key()
    browser = english_browser(app)
    browser.login(person.email)
    browser.submit("/login/two-step", {"code": person.codes[0]}, form_page="/login/two-step")
    assert browser.get("/login/two-step/setup").status_code == 200

    again = english_browser(app)
    assert again.login(person.email).headers["Location"] == "/login/two-step"
    response = again.submit("/login/two-step", {"code": person.codes[0]}, form_page="/login/two-step")
    assert response.status_code == 200  # a recovery code works once
    assert isinstance(db.session.get(User, person.id).two_step_secret, Undecryptable)


def admin_browser(app):
    admin = make_user(role=PLATFORM_ADMIN, language="en")
    browser = english_browser(app)
    browser.login(admin.email)
    return browser, admin


def test_the_admins_page_for_the_user_works_and_says_why(app, person, changed_key):
    changed_key()
    browser, _ = admin_browser(app)
    page = browser.get(f"/admin/users/{person.id}")
    assert page.status_code == 200
    assert "authenticator app can no longer be checked" in page.text


def test_waiting_list_promotion_by_someone_elses_cancellation_works(app, person, changed_key, outbox):
    session = make_training_session(make_classroom_course(), capacity=1)
    other = make_user(company=make_company())
    make_registration(session, other)
    make_registration(session, person, status="waitlisted", position=1)
    changed_key()
    browser = Browser(app.test_client())
    browser.login(other.email)
    assert browser.submit(f"/classroom/sessions/{session.id}/cancel").status_code == 302
    status = db.session.scalar(select(Registration.status).where(Registration.user_id == person.id))
    assert status == "registered"
    assert person.email in [mail["To"] for mail in outbox]


def test_certificate_reissue_by_an_admin_works(app, person, changed_key):
    certificate = make_certificate(person)
    changed_key()
    browser, _ = admin_browser(app)
    page = f"/certificates/manage/{certificate.id}"
    response = browser.submit(f"{page}/reissue", {"reissue-reason": "Name corrected"}, form_page=page)
    assert response.status_code == 302
    assert db.session.scalar(select(Certificate.id).where(Certificate.reissue_of_id == certificate.id))


def test_a_row_saved_meanwhile_keeps_the_secret_for_when_the_old_key_comes_back(app, person, changed_key):
    old_key = app.config["SECRET_KEY"]
    changed_key()
    user = db.session.get(User, person.id)
    user.first_name = "Sofia"
    db.session.commit()
    app.config.update(SECRET_KEY=NEW_KEY, SECRET_KEY_FALLBACKS=[old_key])
    db.session.expire_all()
    assert db.session.get(User, person.id).two_step_secret == person.secret


@pytest.mark.parametrize("policy, after_reset", [("all", "/login/two-step/setup"), ("none", "/dashboard")])
def test_admin_resets_two_step_and_the_user_is_told(app, changed_key, outbox, policy, after_reset):
    user = make_user(company=make_company(two_step_policy=policy), language="en")
    enable_two_step(user)
    changed_key()
    browser, admin = admin_browser(app)
    page = f"/admin/users/{user.id}"
    response = browser.submit(f"{page}/two-step/reset", form_page=page)
    assert response.headers["Location"] == page
    assert "Two-step authentication has been reset" in browser.get(page).text

    db.session.expire_all()
    user = db.session.get(User, user.id)
    assert not user.has_two_step and user.two_step_secret is None
    assert db.session.scalar(select(RecoveryCode.id).where(RecoveryCode.user_id == user.id)) is None
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "two_step.reset"))
    assert (event.actor_id, event.subject_id) == (admin.id, user.id)
    [mail] = [m for m in outbox if m["To"] == user.email]
    assert mail["Subject"] == "Two-step authentication was reset"
    body = mail.get_body(("plain",)).get_content()
    expected = "set it up again at your next login" if policy == "all" else "your password alone is enough"
    assert expected in body

    assert english_browser(app).login(user.email).headers["Location"] == after_reset


def test_reset_needs_a_platform_admin_and_the_csrf_token(app, person):
    company_admin = make_user(role="company_admin", company=make_company())
    browser = Browser(app.test_client())
    browser.login(company_admin.email)
    assert browser.submit(f"/admin/users/{person.id}/two-step/reset").status_code == 403
    admin_browser_, _ = admin_browser(app)
    assert admin_browser_.client.post(f"/admin/users/{person.id}/two-step/reset").status_code == 400
    assert db.session.get(User, person.id).has_two_step


def test_an_unreadable_secret_is_logged_once_with_the_user_id(app, person, changed_key, caplog):
    changed_key()
    browser, _ = admin_browser(app)
    with caplog.at_level(logging.WARNING, logger="oscart.auth.renewal"):
        for _ in range(3):
            assert browser.get(f"/admin/users/{person.id}").status_code == 200
        english_browser(app).login(person.email)
    [record] = [r for r in caplog.records if r.name == "oscart.auth.renewal"]
    assert f"user {person.id} " in record.getMessage()
    assert person.email not in record.getMessage()
