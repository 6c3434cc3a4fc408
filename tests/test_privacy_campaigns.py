"""Newsletters only with consent, each in the person's language, once; one-click unsubscribe."""

import time

import pytest
from itsdangerous import TimestampSigner
from sqlalchemy import select

from oscart.core.extensions import db
from oscart.core.security import PLATFORM_ADMIN
from oscart.mail.models import MARKETING, OutboxMessage
from oscart.mail.services import deliver_pending
from oscart.privacy import policy
from oscart.privacy.campaigns import save_campaign, send_campaign
from oscart.privacy.consents import current_consents
from oscart.privacy.marketing import unsubscribe_token
from oscart.privacy.models import CampaignDelivery
from tests.factories import give_consent, make_company, make_user

TEXTS = {"nl": {"subject": "Nieuws", "body": "Hallo"}, "fr": {"subject": "Nouvelles", "body": "Bonjour"}}


@pytest.fixture
def admin():
    return make_user(role=PLATFORM_ADMIN, language="en")


@pytest.fixture
def campaign(admin):
    item = save_campaign(None, actor=admin, kind="newsletter", texts=TEXTS)
    db.session.commit()
    return item


def _consenting(**fields):
    user = make_user(company=make_company(), **fields)
    give_consent(user, policy.NEWSLETTER)
    return user


def test_sends_only_to_current_consent_each_in_their_language(admin, campaign, outbox):
    nl, fr = _consenting(language="nl"), _consenting(language="fr")
    withdrawn = _consenting()
    give_consent(withdrawn, policy.NEWSLETTER, granted=False)
    make_user(company=make_company())  # never consented
    restricted, inactive = _consenting(is_restricted=True), _consenting(is_active=False)
    assert send_campaign(campaign, actor=admin) == 2
    db.session.commit()
    rows = db.session.execute(select(OutboxMessage.recipient, OutboxMessage.subject, OutboxMessage.kind)
                              .order_by(OutboxMessage.id)).all()
    assert rows == [(nl.email, "Nieuws", MARKETING), (fr.email, "Nouvelles", MARKETING)]
    assert restricted.email not in str(rows) and inactive.email not in str(rows)


def test_language_without_text_falls_back(admin, campaign):
    de = _consenting(language="de")
    send_campaign(campaign, actor=admin)
    assert db.session.scalar(select(OutboxMessage.subject).where(OutboxMessage.user_id == de.id)) == "Nieuws"


def test_interrupted_send_resumes_without_sending_twice(admin, campaign):
    users = [_consenting() for _ in range(3)]
    assert send_campaign(campaign, actor=admin, limit=1) == 1
    db.session.commit()  # ... and the process dies here
    assert send_campaign(campaign, actor=admin) == 2
    db.session.commit()
    assert send_campaign(campaign, actor=admin) == 0
    counts = db.session.execute(select(OutboxMessage.user_id, db.func.count()).group_by(OutboxMessage.user_id)).all()
    assert sorted(counts) == sorted((user.id, 1) for user in users)
    assert db.session.scalar(select(db.func.count(CampaignDelivery.id))) == 3
    assert campaign.sent_at is not None


def test_admin_sends_from_the_campaign_page_and_again_says_nobody_left(browser, admin, campaign, outbox):
    _consenting()
    browser.login(admin.email)
    url = f"/admin/privacy/campaigns/{campaign.id}"
    browser.submit(f"{url}/send", form_page=url)
    assert len(outbox) == 1
    response = browser.submit(f"{url}/send", form_page=url)
    assert "Nobody is left" in browser.get(response.headers["Location"]).text
    assert len(outbox) == 1


def test_admin_writes_a_campaign_per_language(browser, admin):
    browser.login(admin.email)
    data = {"kind": "invitation", "subject_fr": "Invitation", "body_fr": "Venez !"}
    response = browser.submit("/admin/privacy/campaigns/new", data, form_page="/admin/privacy/campaigns/new")
    assert response.status_code == 302
    page = browser.get("/admin/privacy/campaigns").text
    assert "Invitation" in page


def test_marketing_mail_has_one_click_unsubscribe_headers_and_link(admin, campaign, outbox, client):
    _consenting(language="fr")
    send_campaign(campaign, actor=admin)
    db.session.commit()
    deliver_pending()
    [mail] = outbox
    link = mail["List-Unsubscribe"].strip("<>")
    assert link.startswith("https://portal.oscart.example/privacy/unsubscribe/")
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert link in mail.get_body(("plain",)).get_content()


def test_one_click_post_withdraws_without_login_or_csrf(client):
    user = _consenting()
    path = f"/privacy/unsubscribe/{unsubscribe_token(user, policy.NEWSLETTER)}"
    confirm = client.get(path)
    assert confirm.status_code == 200 and current_consents(user.id)[policy.NEWSLETTER].is_granted
    response = client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    consent = current_consents(user.id)[policy.NEWSLETTER]
    assert not consent.is_granted and consent.source == "unsubscribe_link"
    again = client.post(path, headers={"Accept-Language": "en"})
    assert "already unsubscribed" in again.text
    assert len([1 for _ in db.session.execute(select(1).select_from(type(consent)))]) == 2


def test_forged_token_changes_nothing(client):
    user = _consenting()
    token = unsubscribe_token(user, policy.NEWSLETTER)
    # A character well inside the signature: the last one also carries padding bits that decoding ignores.
    forged = token[:-10] + ("A" if token[-10] != "A" else "B") + token[-9:]
    response = client.post(f"/privacy/unsubscribe/{forged}")
    assert response.status_code == 400
    assert current_consents(user.id)[policy.NEWSLETTER].is_granted


@pytest.mark.config(PRIVACY_UNSUBSCRIBE_MAX_AGE=1)
def test_expired_token_changes_nothing(client, monkeypatch):
    user = _consenting()
    token = unsubscribe_token(user, policy.NEWSLETTER)
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) + 2)
    response = client.post(f"/privacy/unsubscribe/{token}")
    assert response.status_code == 400
    assert current_consents(user.id)[policy.NEWSLETTER].is_granted


def test_users_see_the_messages_sent_to_them_and_not_others(browser, admin, campaign):
    user, other = _consenting(language="nl"), _consenting(language="nl")
    send_campaign(campaign, actor=admin)
    db.session.commit()
    own, foreign = (db.session.scalar(select(OutboxMessage.id).where(OutboxMessage.user_id == u.id))
                    for u in (user, other))
    browser.login(user.email)
    assert f"/privacy/me/messages/{own}" in browser.get("/privacy/me").text
    assert "Hallo" in browser.get(f"/privacy/me/messages/{own}").text
    assert browser.get(f"/privacy/me/messages/{foreign}").status_code == 404
    assert browser.get("/privacy/me/messages/99999").status_code == 404


def test_offers_command_says_when_nothing_is_due(runner):
    result = runner.invoke(args=["privacy", "offers"])
    assert result.exit_code == 0 and "No offers due." in result.output
