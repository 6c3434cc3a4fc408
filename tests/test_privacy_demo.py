"""The demo gives every privacy screen content, and seeding twice changes nothing."""

import pytest
from sqlalchemy import func, select

from oscart.core.demo import DEMO_PASSWORD, seed_demo
from oscart.core.extensions import db
from oscart.privacy.models import (
    Campaign,
    CampaignDelivery,
    Consent,
    Incident,
    IncidentNotice,
    PolicyVersion,
    PrivacyRequest,
)

MODELS = (PolicyVersion, Consent, PrivacyRequest, Campaign, CampaignDelivery, Incident, IncidentNotice)


def _counts():
    return {model.__name__: db.session.scalar(select(func.count()).select_from(model)) for model in MODELS}


@pytest.fixture
def demo():
    seed_demo()
    db.session.commit()


def test_seeding_twice_changes_nothing(demo):
    first = _counts()
    assert all(first.values()), first
    seed_demo()
    db.session.commit()
    assert _counts() == first


@pytest.mark.parametrize("path", ["/admin/privacy/", "/admin/privacy/requests/{request}",
                                  "/admin/privacy/requests/{other_request}", "/admin/privacy/statement",
                                  "/admin/privacy/campaigns", "/admin/privacy/campaigns/{campaign}",
                                  "/admin/privacy/retention", "/admin/privacy/incidents",
                                  "/admin/privacy/incidents/{incident}"])
def test_admin_screens_render_with_demo_data(browser, demo, path):
    requests = db.session.scalars(select(PrivacyRequest.id).order_by(PrivacyRequest.id)).all()
    ids = {"request": requests[0], "other_request": requests[-1],
           "campaign": db.session.scalar(select(func.min(Campaign.id))),
           "incident": db.session.scalar(select(func.min(Incident.id)))}
    browser.login("admin@oscart.example", password=DEMO_PASSWORD)
    assert browser.get(path.format(**ids)).status_code == 200


def test_demo_trainee_sees_consents_and_messages(browser, demo):
    browser.login("bruno@globex.example", password=DEMO_PASSWORD)
    page = browser.get("/privacy/me").text
    assert "Nouvelles" in page or "Nouveau ce printemps" in page
    assert page.count("<tr>") > 3


def test_open_erasure_request_is_near_its_deadline(browser, demo):
    browser.login("admin@oscart.example", password=DEMO_PASSWORD)
    assert "3 days left" in browser.get("/admin/privacy/").text
