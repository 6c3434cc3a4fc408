"""Bulk downloads prepared in the background (oscart.jobs): the ZIP or merged PDF of a company's certificates."""

from flask_babel import lazy_gettext as _l

from oscart.accounts.models import User
from oscart.certificates import exports, services
from oscart.certificates.models import Certificate
from oscart.core import local_time
from oscart.core.extensions import db
from oscart.core.security import can
from oscart.jobs.services import JobRefused, JobResult, job_kind, start_job

ZIP = "certificates.zip"
PDF = "certificates.pdf"
FORMATS = {"zip": ZIP, "pdf": PDF}
BACK = _l("Back to the certificates")


def start_export(actor, rows, extension):
    """A job that builds the ZIP or PDF of ``rows`` (the filtered list the admin sees, read now)."""
    return start_job(FORMATS[extension], actor=actor, company_id=actor.company_id, total=len(rows),
                     params={"ids": [row.id for row in rows]})


def _rows(job):
    owner = db.session.get(User, job.owner_id)
    if owner is None or not owner.is_active or not can(owner, "company.manage") or owner.company_id != job.company_id:
        raise JobRefused("owner may no longer export these certificates")
    wanted = job.params["ids"]
    query = services.list_company(owner, services.Filters()).where(Certificate.id.in_(wanted))
    order = {certificate_id: index for index, certificate_id in enumerate(wanted)}
    return sorted(services.export_rows(query), key=lambda row: order[row.id])


@job_kind(ZIP, label=_l("Certificates in a ZIP file"), back_endpoint="certificates.company",
          back_label=BACK)
def build_zip(job, progress):
    return JobResult(f"certificates_{local_time.today()}.zip", "application/zip",
                     exports.zip_bytes(_rows(job), progress))


@job_kind(PDF, label=_l("Certificates in one PDF"), back_endpoint="certificates.company",
          back_label=BACK)
def build_pdf(job, progress):
    return JobResult(f"certificates_{local_time.today()}.pdf", "application/pdf",
                     exports.merged_pdf(_rows(job), progress))
