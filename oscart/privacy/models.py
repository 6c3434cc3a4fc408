"""Privacy records: statement versions, consents, data-subject requests, campaigns, incidents."""

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from oscart.core.database import UTCDateTime, at_least, one_of, utcnow
from oscart.core.extensions import db
from oscart.core.i18n import LANGUAGES
from oscart.privacy.policy import CONSENT_PURPOSES


class PolicyVersion(db.Model):
    """A published version of the privacy statement, with what changed, per language."""

    __table_args__ = (at_least("number", 1),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[int] = mapped_column(Integer, unique=True)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # Digest of the policy configuration at publication (see policy.fingerprint).
    fingerprint: Mapped[str] = mapped_column(String(32))
    summaries: Mapped[dict] = mapped_column(JSON, default=dict)  # {language: change summary}


class PolicyAcknowledgement(db.Model):
    __table_args__ = (UniqueConstraint("user_id", "version_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("policy_version.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Consent(db.Model):
    """Append-only: each grant or withdrawal is a new row; the latest row per purpose is the current state."""

    __table_args__ = (one_of("purpose", CONSENT_PURPOSES), UniqueConstraint("user_id", "purpose", "at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(40))
    is_granted: Mapped[bool] = mapped_column(Boolean)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ip: Mapped[str | None] = mapped_column(String(45))
    statement_version: Mapped[int | None] = mapped_column(Integer)
    # Where it was given or withdrawn: privacy_page, login, unsubscribe_link, objection, ...
    source: Mapped[str] = mapped_column(String(30))


OPEN = "open"
GRANTED = "granted"
REFUSED = "refused"
REQUEST_STATUSES = (OPEN, GRANTED, REFUSED)

RECTIFY = "rectify"
ERASE = "erase"
RESTRICT = "restrict"
OBJECT = "object"
OBJECT_MARKETING = "object_marketing"
REQUEST_KINDS = (RECTIFY, ERASE, RESTRICT, OBJECT, OBJECT_MARKETING)


class PrivacyRequest(db.Model):
    __table_args__ = (one_of("kind", REQUEST_KINDS), one_of("status", REQUEST_STATUSES))

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(10), default=OPEN, index=True)
    motivation: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_reason: Mapped[str | None] = mapped_column(Text)
    # Data the law obliges us to keep (e.g. safety training records): erasure keeps them, identified.
    has_legal_hold: Mapped[bool] = mapped_column(Boolean, default=False)

    @property
    def is_open(self):
        return self.status == OPEN


NEWSLETTER_CAMPAIGN = "newsletter"
INVITATION_CAMPAIGN = "invitation"
CAMPAIGN_KINDS = (NEWSLETTER_CAMPAIGN, INVITATION_CAMPAIGN)


class Campaign(db.Model):
    __table_args__ = (one_of("kind", CAMPAIGN_KINDS),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(12), default=NEWSLETTER_CAMPAIGN)
    texts: Mapped[dict] = mapped_column(JSON, default=dict)  # {language: {"subject": ..., "body": ...}}
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class CampaignDelivery(db.Model):
    """One campaign mail to one user; the unique pair makes sending idempotent."""

    __table_args__ = (UniqueConstraint("campaign_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_message.id", ondelete="SET NULL"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class OfferSent(db.Model):
    """At most one offer per user and course."""

    __table_args__ = (UniqueConstraint("user_id", "course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class InactivityWarning(db.Model):
    """An inactive account was warned by mail; it is anonymised when still inactive after the notice period."""

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), unique=True)
    warned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Incident(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    categories: Mapped[list] = mapped_column(JSON, default=list)  # data category keys (export registry)
    texts: Mapped[dict] = mapped_column(JSON, default=dict)  # {language: what happened and what we did}
    company_ids: Mapped[list] = mapped_column(JSON, default=list)
    user_ids: Mapped[list] = mapped_column(JSON, default=list)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class IncidentNotice(db.Model):
    __table_args__ = (UniqueConstraint("incident_id", "user_id"), one_of("language", LANGUAGES))

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incident.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"), index=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("outbox_message.id", ondelete="SET NULL"))
    language: Mapped[str] = mapped_column(String(2))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
