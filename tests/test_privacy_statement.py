"""The statement is generated from the policy configuration, versioned, and changes are shown once."""

import pytest
from flask_babel import force_locale
from markupsafe import escape

from oscart.core.extensions import db
from oscart.core.security import COMPANY_ADMIN, PLATFORM_ADMIN, TRAINEE
from oscart.privacy import policy, statement
from oscart.privacy.models import PolicyAcknowledgement, PolicyVersion
from tests.factories import make_company, make_user

SUMMARIES = {"nl": "Nieuwe bewaartermijnen.", "fr": "Nouvelles durées.", "de": "Neue Fristen.", "en": "New periods."}


def _publish(admin):
    data = {f"summary_{code}": text for code, text in SUMMARIES.items()}
    return data


def test_statement_lists_the_configured_purposes_processors_and_retention(client):
    page = client.get("/privacy", headers={"Accept-Language": "en"})
    assert page.status_code == 200
    with force_locale("en"):
        labels = [str(item.label) for item in (*policy.PURPOSES, *policy.RETENTION)]
    for label in labels:
        assert escape(label) in page.text
    assert "Cloud hosting of the portal and its database" in page.text
    assert "3 months" in page.text  # failed logins: 90 days


def test_footer_links_to_the_statement(client):
    assert 'href="/privacy"' in client.get("/login").text


def test_admin_publishes_a_version_with_a_summary_per_language(browser):
    admin = make_user(role=PLATFORM_ADMIN, language="en")
    browser.login(admin.email)
    response = browser.submit("/admin/privacy/statement", _publish(admin), form_page="/admin/privacy/statement")
    assert response.status_code == 302
    version = db.session.scalar(db.select(PolicyVersion))
    assert version.number == 1 and version.summaries == SUMMARIES
    assert version.fingerprint == policy.fingerprint()


def test_publishing_needs_every_language(browser):
    admin = make_user(role=PLATFORM_ADMIN, language="en")
    browser.login(admin.email)
    data = {**_publish(admin), "summary_de": ""}
    response = browser.submit("/admin/privacy/statement", data, form_page="/admin/privacy/statement")
    assert response.status_code == 200
    assert db.session.scalar(db.select(PolicyVersion)) is None


@pytest.mark.parametrize("role", [TRAINEE, COMPANY_ADMIN])
def test_only_platform_admins_publish(browser, role):
    user = make_user(role=role, company=make_company())
    browser.login(user.email)
    assert browser.get("/admin/privacy/statement").status_code == 403


def test_users_see_what_changed_at_next_login_until_acknowledged(browser):
    user = make_user(company=make_company(), language="en")
    version = statement.publish_version(actor=None, summaries=SUMMARIES)
    version.published_at = user.created_at.replace(year=user.created_at.year + 1)
    db.session.commit()
    browser.login(user.email)
    page = browser.get("/dashboard")
    assert "Our privacy statement has changed" in page.text
    assert "New periods." in browser.get("/privacy/changes").text
    browser.submit("/privacy/changes/seen", form_page="/dashboard")
    assert "Our privacy statement has changed" not in browser.get("/dashboard").text
    assert db.session.scalar(db.select(PolicyAcknowledgement.user_id)) == user.id
    browser.logout()
    browser.login(user.email)
    assert "Our privacy statement has changed" not in browser.get("/dashboard").text


def test_accounts_created_after_the_version_see_no_banner(browser):
    statement.publish_version(actor=None, summaries=SUMMARIES)
    db.session.commit()
    user = make_user(company=make_company(), language="en")
    browser.login(user.email)
    assert "Our privacy statement has changed" not in browser.get("/dashboard").text


def test_a_changed_configuration_asks_for_a_new_version(browser, monkeypatch):
    from datetime import timedelta

    admin = make_user(role=PLATFORM_ADMIN, language="en")
    statement.publish_version(actor=admin, summaries=SUMMARIES)
    db.session.commit()
    browser.login(admin.email)
    assert "differ from the last published version" not in browser.get("/admin/privacy/statement").text
    changed = tuple(item if item.key != "mail_bodies" else type(item)(item.key, item.label, timedelta(days=30),
                                                                      item.what_happens)
                    for item in policy.RETENTION)
    monkeypatch.setattr(policy, "RETENTION", changed)
    assert "differ from the last published version" in browser.get("/admin/privacy/statement").text
    assert "1 month" in browser.get("/privacy", headers={"Accept-Language": "en"}).text


def test_the_purge_applies_the_period_the_statement_shows(monkeypatch):
    from datetime import timedelta

    from oscart.core.database import utcnow
    from oscart.mail.models import SENT, OutboxMessage
    from oscart.privacy.retention import purge

    user = make_user(company=make_company())
    db.session.add(OutboxMessage(user_id=user.id, recipient=user.email, template="t", language="nl", subject="S",
                                 body_text="body", status=SENT, sent_at=utcnow() - timedelta(days=40)))
    db.session.commit()
    assert {s.key: s.count for s in purge(now=utcnow(), dry_run=True)}["mail_bodies"] == 0
    shorter = tuple(item if item.key != "mail_bodies" else type(item)(item.key, item.label, timedelta(days=30),
                                                                      item.what_happens)
                    for item in policy.RETENTION)
    monkeypatch.setattr(policy, "RETENTION", shorter)
    assert {s.key: s.count for s in purge(now=utcnow(), dry_run=True)}["mail_bodies"] == 1
