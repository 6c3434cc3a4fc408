"""Incidents: recorded by platform admins; the people affected are notified once, in their language."""

from sqlalchemy import select

from oscart.core.extensions import db
from oscart.core.security import PLATFORM_ADMIN
from oscart.privacy.models import Incident, IncidentNotice
from tests.factories import make_company, make_user


def _record(browser, company, person):
    data = {"title": "Laptop stolen", "occurred_at": "2026-11-20T10:30", "categories": ["profile"],
            "company_ids": [str(company.id)], "user_emails": person.email,
            "text_nl": "Een laptop werd gestolen.", "text_fr": "Un ordinateur a été volé."}
    return browser.submit("/admin/privacy/incidents/new", data, form_page="/admin/privacy/incidents/new")


def test_incident_is_recorded_and_people_notified_in_their_language(browser, outbox):
    company, other = make_company(), make_company()
    nl = make_user(company=company, language="nl")
    fr = make_user(company=company, language="fr")
    outsider = make_user(company=other, language="fr")
    named = make_user(company=other, language="nl")
    admin = make_user(role=PLATFORM_ADMIN, language="en")
    browser.login(admin.email)
    response = _record(browser, company, named)
    assert response.status_code == 302
    incident = db.session.scalar(select(Incident))
    assert incident.categories == ["profile"] and incident.user_ids == [named.id]
    outbox.clear()
    browser.submit(f"/admin/privacy/incidents/{incident.id}/notify", form_page=response.headers["Location"])
    by_recipient = {mail["To"]: mail.get_body(("plain",)).get_content() for mail in outbox}
    assert set(by_recipient) == {nl.email, fr.email, named.email}
    assert outsider.email not in by_recipient
    assert "Un ordinateur a été volé." in by_recipient[fr.email]
    assert "Een laptop werd gestolen." in by_recipient[nl.email]
    # The time as it was entered (Brussels), in each reader's own words and without a zone name.
    assert "Le 20 novembre 2026, 10:30, un incident" in by_recipient[fr.email]
    assert "Op 20 november 2026, 10:30 gebeurde een incident" in by_recipient[nl.email]
    notices = db.session.execute(select(IncidentNotice.user_id, IncidentNotice.language)).all()
    assert sorted(notices) == sorted([(nl.id, "nl"), (fr.id, "fr"), (named.id, "nl")])
    page = browser.get(f"/admin/privacy/incidents/{incident.id}").text
    assert fr.email in page


def test_notifying_twice_sends_nothing_more_and_says_so(browser, outbox):
    company = make_company()
    make_user(company=company)
    admin = make_user(role=PLATFORM_ADMIN, language="en")
    browser.login(admin.email)
    location = _record(browser, company, admin).headers["Location"]
    url = location + "/notify"
    browser.submit(url, form_page=location)
    sent = len(outbox)
    response = browser.submit(url, form_page=location)
    assert "already been notified" in browser.get(response.headers["Location"]).text
    assert len(outbox) == sent


def test_unknown_addresses_are_refused(browser):
    company = make_company()
    admin = make_user(role=PLATFORM_ADMIN, language="en")
    browser.login(admin.email)
    data = {"title": "X", "occurred_at": "2026-11-20T10:30", "categories": ["profile"],
            "user_emails": "nobody@example.com", "text_en": "Text"}
    response = browser.submit("/admin/privacy/incidents/new", data, form_page="/admin/privacy/incidents/new")
    assert response.status_code == 200 and "do not belong to an account" in response.text
    assert db.session.scalar(select(Incident)) is None
    assert company


def test_unknown_incident_is_404(browser):
    admin = make_user(role=PLATFORM_ADMIN)
    browser.login(admin.email)
    assert browser.get("/admin/privacy/incidents/999").status_code == 404
