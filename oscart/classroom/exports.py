"""CSV exports (streamed, Excel-friendly, formula injection neutralised) and the PDF sign-in sheet."""

import csv
import io

from flask import render_template
from flask_babel import force_locale
from flask_babel import gettext as _

from oscart.classroom.forms import STATUS_LABELS
from oscart.classroom.models import ATTENDANCE_STATUSES
from oscart.classroom.services import BRUSSELS
from oscart.extensions import db
from oscart.pdf import render_pdf

BOM = "\ufeff"
DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
BATCH = 2000


def neutralise(value):
    """A cell a spreadsheet will show as text: values starting with = + - @ tab or CR get a leading '."""
    if value is None:
        return ""
    if isinstance(value, int | float):
        return value
    text = str(value)
    return "'" + text if text.startswith(DANGEROUS_PREFIXES) else text


def status_labels():
    return {key: str(STATUS_LABELS[key]) for key in ATTENDANCE_STATUSES}


def attendance_csv(query):
    """Yield the CSV of an attendance query chunk by chunk, reading the rows in batches (flat memory)."""
    labels = status_labels()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([_("Date"), _("Start"), _("End"), _("Course"), _("Last name"), _("First name"),
                     _("E-mail address"), _("Company"), _("Status"), _("Minutes"), _("Note")])
    yield BOM + buffer.getvalue()
    result = db.session.execute(query.execution_options(yield_per=BATCH))
    for rows in result.partitions():
        buffer.seek(0)
        buffer.truncate()
        for row in rows:
            writer.writerow([neutralise(cell) for cell in (
                _local(row.starts_at, "%Y-%m-%d"), _local(row.starts_at, "%H:%M"), _local(row.ends_at, "%H:%M"),
                row.code, row.last_name, row.first_name, row.email, row.company or "",
                labels.get(row.status, row.status), row.minutes, row.note)])
        yield buffer.getvalue()


def _local(moment, pattern):
    return moment.astimezone(BRUSSELS).strftime(pattern)


def signin_sheet_pdf(session, part, *, title, rows, trainers, parts, language):
    """PDF bytes of the printable sign-in sheet of one part, in the session's language."""
    with force_locale(language):
        html = render_template("pdf/classroom_signin.html", session=session, part=part, title=title, rows=rows,
                               trainers=trainers, parts=parts)
    return render_pdf(html)
