"""Certificates for trainees and company admins: lists, downloads, bulk exports, refreshers."""

from importlib import import_module

from flask import Response, flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from oscart.audit.services import record_event
from oscart.certificates import company_listing, exports, renewal, services, signing, tables
from oscart.certificates.blueprint import bp
from oscart.certificates.company_rows import company_rows
from oscart.certificates.forms import CompanyFilterForm, RefresherForm
from oscart.certificates.models import STATUS_LABELS, certificate_status
from oscart.certificates.views_bulk import prepared_in_background
from oscart.core import local_time, tabular
from oscart.core.exceptions import RuleViolation
from oscart.core.extensions import db
from oscart.core.pdf import warn_if_slow_subsetting
from oscart.core.security import require
from oscart.core.urls import url_with_args

__all__ = ["bp"]

# The public verification and the platform admins' pages add their routes to the same blueprint.
import_module("oscart.certificates.views_verify")
import_module("oscart.certificates.views_manage")
import_module("oscart.certificates.views_earned")

bp.record_once(lambda state: warn_if_slow_subsetting())
bp.record_once(lambda state: signing.check_configuration(state.app))

# Issued PDFs never change: browsers may keep them (privately) as long as they like.
PDF_CACHE_CONTROL = "private, max-age=31536000, immutable"


@bp.context_processor
def _status_helpers():
    return {"certificate_status_labels": STATUS_LABELS, "status_of": status_of, "today": local_time.today()}


def status_of(row, within_days=30, today=None):
    return certificate_status(row.revoked_at, row.superseded_at, row.valid_until, today or local_time.today(),
                              within_days)


@bp.get("/certificates/")
@require("certificates.own")
def mine():
    rows = db.session.execute(services.list_own(current_user)).all()
    return render_template("certificates/mine.html", rows=rows)


@bp.get("/certificates/<int:certificate_id>/download")
@require("certificates.own")
def download(certificate_id):
    row = services.get_download(current_user, certificate_id)
    return pdf_response(row.pdf, exports.file_name(row), etag=row.pdf_sha256)


def pdf_response(data, name, *, etag=None, cache=PDF_CACHE_CONTROL):
    response = Response(data, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = cache
    if etag:
        response.set_etag(etag)
        response.make_conditional(request)
    return response


def company_filters():
    form = CompanyFilterForm(request.args)
    form.validate()
    value = lambda field: None if field.errors else field.data  # noqa: E731
    filters = services.Filters(course_id=value(form.course) or None, user_id=value(form.employee) or None,
                               date_from=value(form.date_from), date_to=value(form.date_to),
                               status=value(form.status) or None, within_days=value(form.within) or 30,
                               search=None if value(form.employee) else value(form.q))
    return form, filters


@bp.get("/certificates/company")
@require("company.manage")
def company():
    form, filters = company_filters()
    page = company_listing.company_page(current_user, filters, request.args.get("page", 1, type=int))
    employee = filters.user_id and services.chosen_employee(current_user, filters.user_id)
    return render_template("certificates/company.html", filters=form, page=page, within=filters.within_days,
                           courses=services.company_courses(current_user), employee=employee,
                           company_rows=company_rows, in_background=page.is_more or prepared_in_background(page.total))


@bp.get("/certificates/company/certificates.zip")
@require("company.manage")
def company_zip():
    rows = _export_rows("zip")
    if rows is None:
        return redirect(url_with_args("certificates.company"))
    stream = exports.zip_stream(rows)
    response = Response(iter(stream), mimetype="application/zip")
    response.headers["Content-Length"] = str(len(stream))
    response.headers["Content-Disposition"] = f'attachment; filename="certificates_{local_time.today()}.zip"'
    return response


@bp.get("/certificates/company/certificates.pdf")
@require("company.manage")
def company_pdf():
    rows = _export_rows("pdf")
    if rows is None:
        return redirect(url_with_args("certificates.company"))
    if len(rows) > exports.MAX_MERGED:
        flash(ngettext("One PDF can hold at most %(num)s certificate. Narrow the filters or download a ZIP.",
                       "One PDF can hold at most %(num)s certificates. Narrow the filters or download a ZIP.",
                       exports.MAX_MERGED), "error")
        return redirect(url_with_args("certificates.company"))
    return pdf_response(exports.merged_pdf(rows), f"certificates_{local_time.today()}.pdf", cache="no-store")


@bp.get("/certificates/company/certificates.xlsx", defaults={"extension": "xlsx"})
@bp.get("/certificates/company/certificates.csv", defaults={"extension": "csv"})
@require("company.manage")
def company_list(extension):
    _form, filters = company_filters()
    record_event("certificate.exported", actor=current_user, company_id=current_user.company_id,
                 target=f"company:{current_user.company_id}", format=extension,
                 count=db.session.scalar(services.count_company(current_user, filters)))
    db.session.commit()
    rows = tables.company_rows(services.list_company(current_user, filters), filters.within_days)
    return tabular.export_response(extension, f"certificates_{local_time.today()}", tables.company_header(), rows)


def _export_rows(kind):
    """The filtered rows to export (audited), or None after flashing that there are none."""
    _form, filters = company_filters()
    rows = services.export_rows(services.list_company(current_user, filters))
    if not rows:
        flash(_("No certificates match these filters."), "info")
        return None
    if prepared_in_background(len(rows)):
        # Too many to wait for: the page offers to prepare the file (views_bulk).
        flash(_("This many certificates are prepared in the background: use the button on this page."), "info")
        return None
    record_event("certificate.exported", actor=current_user, company_id=current_user.company_id,
                 target=f"company:{current_user.company_id}", format=kind, count=len(rows))
    db.session.commit()
    return rows


@bp.post("/certificates/company/<int:certificate_id>/refresher")
@require("company.manage")
def refresher(certificate_id):
    certificate = services.get_company_certificate(current_user, certificate_id)
    form = RefresherForm()
    if not form.validate_on_submit():
        flash(_("Please choose a valid due date."), "error")
        return redirect(url_with_args("certificates.company"))
    try:
        renewal.assign_refresher(certificate, actor=current_user, due_on=form.due_on.data)
    except RuleViolation as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("The refresher course has been assigned."), "success")
    return redirect(url_with_args("certificates.company"))
