"""Newsletters and invitations written per language, sent once per recipient to consenting users."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, select

from oscart.accounts.models import User
from oscart.audit.services import record_event
from oscart.core.database import get_or_raise, utcnow
from oscart.core.exceptions import RuleViolation
from oscart.core.extensions import db
from oscart.core.i18n import LANGUAGES, pick_translation
from oscart.privacy import policy
from oscart.privacy.marketing import queue_marketing, reachable_users
from oscart.privacy.models import CAMPAIGN_KINDS, Campaign, CampaignDelivery

KIND_LABELS = {"newsletter": _l("Newsletter"), "invitation": _l("Invitation")}


def list_campaigns():
    sent = (select(func.count(CampaignDelivery.id)).where(CampaignDelivery.campaign_id == Campaign.id)
            .scalar_subquery())
    return select(Campaign.id, Campaign.kind, Campaign.texts, Campaign.created_at, Campaign.sent_at,
                  sent.label("recipients")).order_by(Campaign.id.desc())


def get_campaign(campaign_id):
    return get_or_raise(Campaign, campaign_id)


def save_campaign(campaign, *, actor, kind, texts):
    """Create or edit a draft; ``texts`` {language: {"subject", "body"}} needs at least one language."""
    if campaign is not None and campaign.sent_at is not None:
        raise RuleViolation(_l("This campaign has been sent and can no longer be changed."))
    if kind not in CAMPAIGN_KINDS:
        raise RuleViolation(_l("Choose one of the offered kinds."), "kind")
    cleaned = {}
    for code in LANGUAGES:
        subject = (texts.get(code, {}).get("subject") or "").strip()
        body = (texts.get(code, {}).get("body") or "").strip()
        if bool(subject) != bool(body):
            raise RuleViolation(_l("Give both a subject and a text, or neither."), f"subject_{code}")
        if subject:
            cleaned[code] = {"subject": subject, "body": body}
    if not cleaned:
        raise RuleViolation(_l("Write the campaign in at least one language."), "subject_nl")
    if campaign is None:
        campaign = Campaign(created_by_id=actor.id, created_at=utcnow())
        db.session.add(campaign)
    campaign.kind, campaign.texts = kind, cleaned
    db.session.flush()
    return campaign


def pending_recipients(campaign):
    """Consenting users who have not received this campaign yet."""
    delivered = exists().where(CampaignDelivery.campaign_id == campaign.id, CampaignDelivery.user_id == User.id)
    return reachable_users(policy.NEWSLETTER).where(~delivered).order_by(User.id)


def send_campaign(campaign, *, actor, limit=None, record=True):
    """Queue the campaign for everyone still due, each in their language; returns the number queued.

    The delivery row and the mail are written in the same transaction, and (campaign, user) is unique,
    so an interrupted run can simply be repeated: nobody receives it twice. ``record``: False for the steps of
    a job (oscart.privacy.campaign_job), whose start is the audited sending.
    """
    query = pending_recipients(campaign)
    if limit:
        query = query.limit(limit)
    users = db.session.scalars(query).all()
    for user in users:
        text = campaign.texts[pick_translation(campaign.texts, user.language)]
        message = queue_marketing(user, "privacy_campaign", text["subject"], purpose=policy.NEWSLETTER,
                                  body=text["body"], kind_label=KIND_LABELS[campaign.kind])
        db.session.flush()
        db.session.add(CampaignDelivery(campaign_id=campaign.id, user_id=user.id, message_id=message.id))
    if not db.session.scalar(select(pending_recipients(campaign).exists())):
        campaign.sent_at = campaign.sent_at or utcnow()
    if users and record:
        record_event("privacy.campaign_sent", actor=actor, target=f"campaign:{campaign.id}", recipients=len(users))
    return len(users)
