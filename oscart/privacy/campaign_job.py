"""A campaign for more people than a page should wait for is sent by a bulk job (oscart.jobs): sending queues the
job and shows its page, which follows how many mails are queued; done, it leads back to the campaign.

Each batch of recipients is committed with the job's progress. The delivery row and the mail are written in one
transaction and (campaign, person) is unique, so a run that is repeated (a worker killed, a retry) queues the mail
for whoever is left and for nobody twice; the campaign's row is locked for each batch, so two runs at once take
turns instead of both reading the same people as still due.
"""

import csv
import io

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from oscart.accounts.models import User
from oscart.audit.services import record_event
from oscart.core.extensions import db
from oscart.core.i18n import force_locale
from oscart.core.locking import lock
from oscart.core.security import can
from oscart.jobs.models import QUEUED, RUNNING, Job
from oscart.jobs.services import JobRefused, JobResult, job_kind, start_job
from oscart.mail.models import OutboxMessage
from oscart.privacy import campaigns
from oscart.privacy.models import Campaign, CampaignDelivery

KIND = "privacy.campaign"
BATCH = 200  # recipients queued and committed per step of the job


def pending_count(campaign):
    return db.session.scalar(select(func.count()).select_from(campaigns.pending_recipients(campaign).subquery()))


def delivered_count(campaign):
    return db.session.scalar(select(func.count(CampaignDelivery.id)).where(CampaignDelivery.campaign_id == campaign.id))


def running_job(campaign):
    """The job sending ``campaign`` while it is queued or running, or None."""
    jobs = db.session.scalars(select(Job).where(Job.kind == KIND, Job.status.in_((QUEUED, RUNNING)))).all()
    return next((job for job in jobs if job.params.get("campaign_id") == campaign.id), None)


def send_or_start(campaign, *, actor):
    """Send ``campaign`` to everyone still due: at once for up to JOB_INLINE_MAX people, else by a job (one per
    campaign: a second click, or another admin's, finds the running one). Returns (people queued now, job)."""
    lock(campaign)
    running = running_job(campaign)
    if running is not None:
        return 0, running
    pending = pending_count(campaign)
    if pending <= current_app.config["JOB_INLINE_MAX"]:
        return campaigns.send_campaign(campaign, actor=actor), None
    job = start_job(KIND, actor=actor, total=pending,
                    params={"campaign_id": campaign.id, "delivered_before": delivered_count(campaign)})
    db.session.flush()
    record_event("privacy.campaign_sent", actor=actor, target=f"campaign:{campaign.id}", recipients=pending,
                 job=job.id)
    return 0, job


@job_kind(KIND, label=_l("Sending a campaign"), back_endpoint="privacy_admin.campaign_list",
          back_label=_l("Back to the campaigns"))
def build(job, progress):
    campaign, owner = _campaign_and_owner(job)
    before = job.params["delivered_before"]
    while True:
        lock(campaign)
        queued = campaigns.send_campaign(campaign, actor=owner, limit=BATCH, record=False)
        progress(min(job.total, delivered_count(campaign) - before))  # commits the batch
        if not queued:
            break
    with force_locale(owner.language):
        return JobResult(f"campaign-{campaign.id}-recipients-per-language.csv", "text/csv", _per_language(campaign))


def _campaign_and_owner(job):
    owner = db.session.get(User, job.owner_id)
    campaign = db.session.get(Campaign, job.params["campaign_id"])
    if owner is None or not owner.is_active or not can(owner, "privacy.decide") or campaign is None:
        raise JobRefused("the campaign or its sender's rights are gone")
    return campaign, owner


def _per_language(campaign):
    """How many people the campaign was queued for, per language of the mail (no names or addresses)."""
    rows = db.session.execute(select(OutboxMessage.language, func.count()).join(
        CampaignDelivery, CampaignDelivery.message_id == OutboxMessage.id)
        .where(CampaignDelivery.campaign_id == campaign.id).group_by(OutboxMessage.language)
        .order_by(OutboxMessage.language)).all()
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([_("Language"), _("Recipients")])
    writer.writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
