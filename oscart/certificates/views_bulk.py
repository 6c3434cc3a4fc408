"""Company admins: a ZIP or merged PDF of more certificates than a page should wait for is prepared as a job."""

from flask import current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from oscart.audit.services import record_event
from oscart.certificates import bulk, exports, services
from oscart.certificates.blueprint import bp
from oscart.core.extensions import db
from oscart.core.security import require
from oscart.core.urls import url_with_args


def prepared_in_background(count):
    """Whether a download of ``count`` certificates is a job rather than an answer to the click."""
    return count > current_app.config["JOB_INLINE_MAX"]


@bp.post("/certificates/company/jobs")
@require("company.manage")
def company_job():
    from oscart.certificates.views import company_filters

    extension = request.form.get("format")
    if extension not in bulk.FORMATS:
        return redirect(url_with_args("certificates.company"))
    _form, filters = company_filters()
    rows = services.export_rows(services.list_company(current_user, filters))
    if not rows:
        flash(_("No certificates match these filters."), "info")
        return redirect(url_with_args("certificates.company"))
    if extension == "pdf" and len(rows) > exports.MAX_MERGED_JOB:
        flash(ngettext("One PDF can hold at most %(num)s certificate. Narrow the filters or download a ZIP.",
                       "One PDF can hold at most %(num)s certificates. Narrow the filters or download a ZIP.",
                       exports.MAX_MERGED_JOB), "error")
        return redirect(url_with_args("certificates.company"))
    job = bulk.start_export(current_user, rows, extension)
    db.session.flush()
    record_event("certificate.exported", actor=current_user, company_id=current_user.company_id,
                 target=f"company:{current_user.company_id}", format=extension, count=len(rows), job=job.id)
    db.session.commit()
    return redirect(url_for("jobs.job", job_id=job.id))
