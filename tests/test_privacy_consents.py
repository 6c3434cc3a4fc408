"""Consents: asked per purpose, recorded append-only with IP and version, withdrawable in one click."""

import pytest

from oscart.auth.models import UserSession
from oscart.core.extensions import db
from oscart.privacy import policy, statement
from oscart.privacy.consents import current_consents
from oscart.privacy.models import Consent
from tests.factories import give_consent, make_company, make_user


@pytest.fixture
def trainee():
    return make_user(company=make_company(), language="en")


@pytest.mark.parametrize("purpose", [policy.NEWSLETTER, policy.OFFERS])
def test_give_and_withdraw_marketing_consent(browser, trainee, purpose):
    browser.login(trainee.email)
    browser.submit(f"/privacy/me/consents/{purpose}", {"granted": "1"})
    assert current_consents(trainee.id)[purpose].is_granted
    response = browser.submit(f"/privacy/me/consents/{purpose}", {"granted": "0"})
    assert response.status_code == 302
    rows = db.session.execute(db.select(Consent.is_granted, Consent.ip, Consent.source)
                              .where(Consent.purpose == purpose).order_by(Consent.id)).all()
    assert rows == [(True, "127.0.0.1", "privacy_page"), (False, "127.0.0.1", "privacy_page")]


def test_consent_records_the_statement_version(browser, trainee):
    statement.publish_version(actor=None, summaries=dict.fromkeys(("nl", "fr", "de", "en"), "x"))
    db.session.commit()
    browser.login(trainee.email)
    browser.submit(f"/privacy/me/consents/{policy.NEWSLETTER}", {"granted": "1"})
    assert db.session.scalar(db.select(Consent.statement_version)) == 1


def test_withdrawing_twice_changes_nothing_more_and_says_so(browser, trainee):
    give_consent(trainee, policy.NEWSLETTER)
    browser.login(trainee.email)
    browser.submit(f"/privacy/me/consents/{policy.NEWSLETTER}", {"granted": "0"})
    response = browser.submit(f"/privacy/me/consents/{policy.NEWSLETTER}", {"granted": "0"})
    assert "Nothing changed" in browser.get(response.headers["Location"]).text
    assert db.session.scalar(db.select(db.func.count(Consent.id))) == 2


def test_history_is_shown_newest_first(browser, trainee):
    give_consent(trainee, policy.NEWSLETTER)
    give_consent(trainee, policy.NEWSLETTER, granted=False)
    browser.login(trainee.email)
    page = browser.get("/privacy/me").text
    history = page[page.index("History of your consents"):]
    assert history.index("Withdrawn") < history.index("Given")
    assert "198.51.100.1" in history


def test_remember_me_login_records_consent_and_plain_login_does_not(browser, trainee):
    browser.login(trainee.email)
    assert policy.REMEMBER_ME not in current_consents(trainee.id)
    browser.logout()
    browser.login(trainee.email, remember=True)
    consent = current_consents(trainee.id)[policy.REMEMBER_ME]
    assert consent.is_granted and consent.source == "login"


def test_withdrawing_remember_me_ends_remembered_sessions(browser, app, trainee):
    other_device = app.test_client()
    from tests.helpers import Browser

    Browser(other_device).login(trainee.email, remember=True)
    browser.login(trainee.email)
    browser.submit(f"/privacy/me/consents/{policy.REMEMBER_ME}", {"granted": "0"})
    remembered = db.session.scalars(db.select(UserSession).where(UserSession.is_remembered.is_(True))).all()
    assert remembered and all(record.revoked_at is not None for record in remembered)
    assert other_device.get("/dashboard").status_code == 302
    assert browser.get("/dashboard").status_code == 200  # the plain session stays


@pytest.mark.parametrize("purpose", [policy.REMEMBER_ME, policy.TWO_STEP, "login", "unknown"])
def test_consents_that_cannot_be_given_on_the_page(browser, trainee, purpose):
    browser.login(trainee.email)
    assert browser.submit(f"/privacy/me/consents/{purpose}", {"granted": "1"}).status_code == 404


def test_privacy_page_needs_login(client):
    response = client.get("/privacy/me")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_privacy_page_runs_a_fixed_number_of_queries(browser, trainee, count_queries):
    browser.login(trainee.email)
    browser.get("/privacy/me")

    def measure():
        with count_queries() as counter:
            assert browser.get("/privacy/me").status_code == 200
        return counter.count

    small = measure()
    for _ in range(10):
        give_consent(trainee, policy.NEWSLETTER)
        give_consent(trainee, policy.NEWSLETTER, granted=False)
    assert measure() == small


def test_withdrawing_two_step_consent_is_recorded_and_announced(browser, trainee):
    from oscart.privacy.consents import consent_withdrawn

    give_consent(trainee, policy.TWO_STEP)
    heard = []

    def listener(sender, **kwargs):
        heard.append((sender.id, kwargs["purpose"]))

    consent_withdrawn.connect(listener)
    try:
        browser.login(trainee.email)
        browser.submit(f"/privacy/me/consents/{policy.TWO_STEP}", {"granted": "0"})
    finally:
        consent_withdrawn.disconnect(listener)
    assert not current_consents(trainee.id)[policy.TWO_STEP].is_granted
    assert heard == [(trainee.id, policy.TWO_STEP)]
