"""Attendance exports (one table, written as CSV or XLSX by ``oscart.core.tabular``) and the PDF sign-in sheet."""

from flask import render_template
from flask_babel import gettext as _

from oscart.classroom.models import ATTENDANCE_STATUSES, STATUS_LABELS
from oscart.classroom.services import BRUSSELS
from oscart.core.extensions import db
from oscart.core.i18n import force_locale
from oscart.core.pdf import render_pdf

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


def signin_sheet_pdf(session, part, *, title, rows, trainers, parts, language):
    """PDF bytes of the printable sign-in sheet of one part, in the session's language."""
    with force_locale(language):
        html = render_template("pdf/classroom_signin.html", session=session, part=part, title=title, rows=rows,
                               trainers=trainers, parts=parts)
    return render_pdf(html)
