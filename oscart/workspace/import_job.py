"""A large people import runs as a bulk job (oscart.jobs): confirming it queues the job and shows its page, which
follows its progress; when it is done, that page leads to the import's result.

The job checks the file against the preview (its digest) on its first run, before writing anything. Each step
is committed as the job reports its progress, so a run that fails half-way has imported part of the file: the
retry plans the file again against the company as it then is (an import is idempotent on e-mail addresses:
nobody is created twice) and lets the rules follow up on everyone in it.
"""

import csv
import io

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from oscart.accounts.models import User
from oscart.companies.services import get_own_company
from oscart.core.database import utcnow
from oscart.core.extensions import db
from oscart.core.i18n import force_locale
from oscart.core.locking import lock
from oscart.core.security import can
from oscart.core.tabular import neutralise
from oscart.jobs.models import QUEUED, RUNNING, Job
from oscart.jobs.services import JobRefused, JobResult, job_kind, start_job
from oscart.workspace import import_plan
from oscart.workspace.import_models import PeopleImport
from oscart.workspace.import_plan import REFUSED, plan_import
from oscart.workspace.imports import import_plan_rows

KIND = "people.import"
INLINE_MAX = 500  # lines; a larger file is imported by a job with its progress shown


def runs_as_job(upload):
    return len(upload.rows) > INLINE_MAX


def start_import(upload, *, actor, digest):
    """Queue the job that imports ``upload`` (once: a second confirmation gets the same job); returns its id."""
    lock(get_own_company(actor))
    db.session.refresh(upload)
    started = running_job(upload)
    if started is not None:
        return started
    job = start_job(KIND, actor=actor, company_id=actor.company_id, total=len(upload.rows),
                    params={"import_id": upload.id, "digest": digest})
    db.session.flush()
    upload.result = {"job_id": job.id}
    return job.id


def running_job(upload):
    """The id of the job importing ``upload`` while it is queued or running (not once it failed)."""
    job_id = (upload.result or {}).get("job_id") if upload.completed_at is None else None
    job = db.session.get(Job, job_id) if job_id else None
    return job.id if job is not None and job.status in (QUEUED, RUNNING) else None


@job_kind(KIND, label=_l("Importing people"), back_endpoint="people_import.upload",
          back_label=_l("Back to the import"))
def build(job, progress):
    upload, actor = _upload_and_owner(job)
    with force_locale(actor.language):  # the report's header in the owner's language
        return _import(job, upload, actor, progress)


def _import(job, upload, actor, progress):
    company = get_own_company(actor)
    total = max(1, job.total)
    plan = plan_import(company, upload.header, upload.rows, upload.mapping or {})
    if job.attempts == 1 and plan.digest != job.params["digest"]:
        raise JobRefused(str(import_plan.PREVIEW_STALE))
    if upload.completed_at is not None:  # imported by an earlier run that lost its claim at the very end
        return JobResult(f"import-{upload.id}-lines-left-out.csv", "text/csv", _left_out(plan))
    progress(total // 10)
    import_plan_rows(upload, plan, company=company, actor=actor, now=utcnow(),
                     step=lambda part: progress(int(total * part)), everyone=job.attempts > 1)
    return JobResult(f"import-{upload.id}-lines-left-out.csv", "text/csv", _left_out(plan))


def _upload_and_owner(job):
    owner = db.session.get(User, job.owner_id)
    upload = db.session.get(PeopleImport, job.params["import_id"])
    if (owner is None or not owner.is_active or not can(owner, "company.manage") or upload is None
            or owner.company_id != job.company_id or upload.company_id != job.company_id):
        raise JobRefused("the import or its owner's rights are gone")
    return upload, owner


def _left_out(plan):
    """The lines the import left out, with why, as CSV (formula-like cells neutralised)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([_("Line"), _("E-mail address"), _("Problem")])
    for row in plan.rows:
        if row.status == REFUSED:
            writer.writerow([row.line, neutralise(row.values.get("email") or ""),
                             neutralise(" ".join(str(error) for error in row.errors))])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")

