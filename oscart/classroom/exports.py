"""Attendance exports (one table, written as CSV or XLSX by ``oscart.core.tabular``) and the PDF sign-in sheet."""

from flask import render_template
from flask_babel import gettext as _
from sqlalchemy import select

from oscart.classroom.models import ATTENDANCE_STATUSES, STATUS_LABELS
from oscart.classroom.signatures import data_url
from oscart.companies.models import Company
from oscart.core.extensions import db
from oscart.core.i18n import force_locale
from oscart.core.local_time import BRUSSELS
from oscart.core.pdf import pdf_static_url, render_pdf

ISSUER = "Oscart Group NV"

BATCH = 2000


def status_labels():
    return {key: str(STATUS_LABELS[key]) for key in ATTENDANCE_STATUSES}


def attendance_header():
    return [_("Date"), _("Start"), _("End"), _("Course"), _("Last name"), _("First name"), _("E-mail address"),
            _("Company"), _("Status"), _("Minutes"), _("Note")]


def attendance_rows(query):
    """The cells of an attendance query's rows, read in batches (flat memory)."""
    labels = status_labels()
    for row in db.session.execute(query.execution_options(yield_per=BATCH)):
        yield (_local(row.starts_at, "%Y-%m-%d"), _local(row.starts_at, "%H:%M"), _local(row.ends_at, "%H:%M"),
               row.code, row.last_name, row.first_name, row.email, row.company or "",
               labels.get(row.status, row.status), row.minutes, row.note)


def _local(moment, pattern):
    return moment.astimezone(BRUSSELS).strftime(pattern)


def company_logo(company_id):
    """The logo of an in-company session's company as a data URL; None without company or logo."""
    if company_id is None:
        return None
    logo = db.session.scalar(select(Company.logo).where(Company.id == company_id, Company.logo.is_not(None)))
    return data_url(logo) if logo else None


def signin_sheet_pdf(session, part, *, title, rows, trainers, parts, language):
    """PDF bytes of the printable sign-in sheet of one part, in the session's language: each trainee's drawn
    signature where they signed on the tablet, a signature line per trainer, Oscart's and the company's logo."""
    with force_locale(language):
        html = render_template("pdf/classroom_signin.html", session=session, part=part, title=title, rows=rows,
                               trainers=trainers, parts=parts, issuer=ISSUER, static=pdf_static_url,
                               company_logo=company_logo(session.company_id), signature_url=data_url)
    return render_pdf(html)
