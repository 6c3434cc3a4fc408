"""Platform admins: the request queue, statement versions, campaigns, retention and incidents."""


from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import func, select

from oscart.accounts.models import User
from oscart.companies.models import Company
from oscart.core import local_time
from oscart.core import personal_data as registry
from oscart.core.database import utcnow
from oscart.core.exceptions import RuleViolation
from oscart.core.extensions import db
from oscart.core.i18n import LANGUAGES
from oscart.core.security import require
from oscart.privacy import campaign_job, campaigns, incidents, policy, requests, retention, statement
from oscart.privacy.forms import CampaignForm, DecisionForm, IncidentForm, PublishForm, choices

bp = Blueprint("privacy_admin", __name__, url_prefix="/admin/privacy")


@bp.get("/")
@require("privacy.decide")
def queue():
    open_rows = db.session.execute(requests.list_queue()).all()
    decided = db.session.execute(requests.list_queue(status="decided").limit(20)).all()
    return render_template("privacy_admin/queue.html", open_rows=open_rows, decided=decided, now=utcnow(),
                           kind_labels=requests.KIND_LABELS, status_labels=requests.STATUS_LABELS)


@bp.route("/requests/<int:request_id>", methods=["GET", "POST"])
@require("privacy.decide")
def decide(request_id):
    privacy_request = requests.get_request(request_id)
    person = db.session.get(User, privacy_request.user_id)
    form = DecisionForm()
    if form.validate_on_submit():
        try:
            requests.decide_request(privacy_request, actor=current_user, grant=form.grant.data,
                                    reason=form.reason.data, legal_hold=form.legal_hold.data)
        except RuleViolation as error:
            db.session.rollback()
            if error.field:
                form.add_error(error.field, error.message)
            else:
                flash(error.message, "info")
                return redirect(url_for("privacy_admin.decide", request_id=request_id))
        else:
            db.session.commit()
            flash(_("The decision has been recorded and sent to the person."), "success")
            return redirect(url_for("privacy_admin.queue"))
    return render_template("privacy_admin/decide.html", form=form, req=privacy_request, person=person,
                           now=utcnow(), kind_labels=requests.KIND_LABELS, status_labels=requests.STATUS_LABELS)


@bp.route("/statement", methods=["GET", "POST"])
@require("privacy.decide")
def versions():
    form = PublishForm()
    if form.validate_on_submit():
        summaries = {code: getattr(form, f"summary_{code}").data for code in LANGUAGES}
        try:
            version = statement.publish_version(actor=current_user, summaries=summaries)
        except RuleViolation as error:
            form.add_error(error.field, error.message)
        else:
            db.session.commit()
            flash(_("Version %(number)s of the privacy statement is published.", number=version.number), "success")
            return redirect(url_for("privacy_admin.versions"))
    rows = db.session.scalars(statement.list_versions()).all()
    return render_template("privacy_admin/versions.html", form=form, versions=rows,
                           changed=statement.is_configuration_changed(), summary_in=statement.summary_in)


@bp.get("/campaigns")
@require("privacy.decide")
def campaign_list():
    rows = db.session.execute(campaigns.list_campaigns()).all()
    return render_template("privacy_admin/campaigns.html", rows=rows, kind_labels=campaigns.KIND_LABELS)


@bp.route("/campaigns/new", methods=["GET", "POST"], defaults={"campaign_id": None})
@bp.route("/campaigns/<int:campaign_id>", methods=["GET", "POST"])
@require("privacy.decide")
def campaign(campaign_id):
    item = campaigns.get_campaign(campaign_id) if campaign_id else None
    form = CampaignForm(kind=item.kind if item else None)
    if request.method == "GET" and item is not None:
        for code, text in item.texts.items():
            getattr(form, f"subject_{code}").data = text["subject"]
            getattr(form, f"body_{code}").data = text["body"]
    if form.validate_on_submit():
        texts = {code: {"subject": getattr(form, f"subject_{code}").data, "body": getattr(form, f"body_{code}").data}
                 for code in LANGUAGES}
        try:
            item = campaigns.save_campaign(item, actor=current_user, kind=form.kind.data, texts=texts)
        except RuleViolation as error:
            db.session.rollback()
            form.add_error(error.field, error.message)
        else:
            db.session.commit()
            flash(_("The campaign has been saved."), "success")
            return redirect(url_for("privacy_admin.campaign", campaign_id=item.id))
    pending = delivered = sending = None
    if item is not None:
        pending, delivered = campaign_job.pending_count(item), campaign_job.delivered_count(item)
        sending = campaign_job.running_job(item)
    return render_template("privacy_admin/campaign.html", form=form, item=item, pending=pending,
                           delivered=delivered, sending=sending, kind_labels=campaigns.KIND_LABELS)


@bp.post("/campaigns/<int:campaign_id>/send")
@require("privacy.decide")
def send_campaign(campaign_id):
    sent, job = campaign_job.send_or_start(campaigns.get_campaign(campaign_id), actor=current_user)
    db.session.commit()
    if job is not None and job.owner_id == current_user.id:
        return redirect(url_for("jobs.job", job_id=job.id))
    if job is not None:
        flash(_("Another administrator is sending this campaign. Its page shows how far it is."), "info")
    elif sent:
        flash(ngettext("The campaign has been queued for %(num)s person.",
                       "The campaign has been queued for %(num)s people.", sent), "success")
    else:
        flash(_("Nobody is left to send to: everyone with consent has received it."), "info")
    return redirect(url_for("privacy_admin.campaign", campaign_id=campaign_id))


@bp.get("/retention")
@require("privacy.decide")
def retention_plan():
    steps = retention.purge(now=utcnow(), dry_run=True)
    return render_template("privacy_admin/retention.html", steps=steps, policy=policy)


@bp.get("/incidents")
@require("privacy.decide")
def incident_list():
    rows = db.session.execute(incidents.list_incidents()).all()
    return render_template("privacy_admin/incidents.html", rows=rows)


def _category_labels():
    return {category.key: category.label for category in registry.categories()}


@bp.route("/incidents/new", methods=["GET", "POST"])
@require("privacy.decide")
def new_incident():
    form = IncidentForm()
    form.categories.choices = choices(_category_labels())
    form.company_ids.choices = choices(dict(db.session.execute(select(Company.id, Company.name)
                                                               .order_by(Company.name)).all()))
    if form.validate_on_submit():
        emails = [line.strip().casefold() for line in (form.user_emails.data or "").splitlines() if line.strip()]
        user_ids = db.session.scalars(select(User.id).where(User.email.in_(emails))).all() if emails else []
        try:
            if len(user_ids) != len(set(emails)):
                raise RuleViolation(_("Some of these addresses do not belong to an account."), "user_emails")
            item = incidents.record_incident(
                actor=current_user, title=form.title.data,
                occurred_at=form.occurred_at.data.replace(tzinfo=local_time.BRUSSELS),
                categories=form.categories.data, company_ids=form.company_ids.data, user_ids=user_ids,
                texts={code: getattr(form, f"text_{code}").data for code in LANGUAGES})
        except RuleViolation as error:
            db.session.rollback()
            form.add_error(error.field, error.message)
        else:
            db.session.commit()
            flash(_("The incident has been recorded."), "success")
            return redirect(url_for("privacy_admin.incident", incident_id=item.id))
    return render_template("privacy_admin/incident_new.html", form=form)


@bp.get("/incidents/<int:incident_id>")
@require("privacy.decide")
def incident(incident_id):
    item = incidents.get_incident(incident_id)
    notices = db.session.execute(incidents.list_notices(item)).all()
    pending = db.session.scalar(select(func.count()).select_from(incidents.affected_users(item).subquery()))
    return render_template("privacy_admin/incident.html", item=item, notices=notices, pending=pending,
                           category_labels=_category_labels())


@bp.post("/incidents/<int:incident_id>/notify")
@require("privacy.decide")
def notify(incident_id):
    count = incidents.notify_incident(incidents.get_incident(incident_id), actor=current_user,
                                      category_labels=_category_labels())
    db.session.commit()
    if count:
        flash(ngettext("%(num)s person has been notified.", "%(num)s people have been notified.", count), "success")
    else:
        flash(_("Everyone affected has already been notified; nothing was sent."), "info")
    return redirect(url_for("privacy_admin.incident", incident_id=incident_id))
