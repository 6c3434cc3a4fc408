"""Personal data of bulk jobs for the privacy registry: the downloads a person had prepared (kept a day)."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from oscart.core.extensions import db
from oscart.core.personal_data import eraser, exporter, rows_as_dicts
from oscart.jobs.models import Job


@exporter("prepared_downloads", _l("Prepared downloads"),
          _l("Files you had the portal prepare, such as a ZIP of certificates; each is deleted after a day."))
def export_jobs(user):
    return rows_as_dicts(select(Job.kind, Job.status, Job.created_at, Job.expires_at.label("valid_until"))
                         .where(Job.owner_id == user.id).order_by(Job.id))


@eraser("prepared_downloads")
def erase_jobs(user, *, legal_hold):
    """An erased person's jobs and their files go at once."""
    return db.session.execute(delete(Job).where(Job.owner_id == user.id)).rowcount
