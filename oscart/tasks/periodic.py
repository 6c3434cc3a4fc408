"""The daily and hourly work Celery beat schedules (oscart.tasks.schedule); the CLI commands call the same
functions. Each step is safe to run twice: what was done is not done again."""

from datetime import timedelta

from celery import shared_task
from flask import current_app

from oscart.assignments.followup import follow_up
from oscart.audit.retention import purge_events
from oscart.certificates.renewal import send_expiry_reminders
from oscart.core.database import utcnow
from oscart.core.extensions import db
from oscart.privacy import offers, retention


@shared_task(name="oscart.reminders.send", ignore_result=True)
def send_reminders():
    """``flask send-reminders``: next rounds of repeating rules, then every reminder due."""
    counts = follow_up()
    db.session.commit()
    return counts


@shared_task(name="oscart.certificates.remind", ignore_result=True)
def remind_expiring_certificates():
    """``flask certificates remind``: holders and company admins of certificates that expire soon."""
    count = send_expiry_reminders(days=current_app.config["CERTIFICATE_REMINDER_DAYS"])
    db.session.commit()
    return count


@shared_task(name="oscart.privacy.purge", ignore_result=True)
def purge_personal_data():
    """``flask privacy purge``: delete or anonymise what is past its retention period."""
    steps = retention.purge(now=utcnow(), dry_run=False)
    db.session.commit()
    return {step.key: step.count for step in steps}


@shared_task(name="oscart.privacy.offers", ignore_result=True)
def send_offers():
    """``flask privacy offers``: one offer to consenting users who viewed a course without enrolling."""
    count = offers.send_offers(current_app.config["PRIVACY_OFFER_DAYS"])
    db.session.commit()
    return count


@shared_task(name="oscart.audit.purge", ignore_result=True)
def purge_audit_events():
    """``flask audit purge``: events older than AUDIT_RETENTION_DAYS (nothing when it is 0, keep forever)."""
    days = current_app.config["AUDIT_RETENTION_DAYS"]
    if not days:
        return 0
    count = purge_events(utcnow() - timedelta(days=days))
    db.session.commit()
    return count
