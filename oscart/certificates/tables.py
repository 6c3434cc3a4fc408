"""The certificate lists as tables to download (written as CSV or XLSX by ``oscart.core.tabular``)."""

from flask_babel import gettext as _

from oscart.accounts.models import User
from oscart.certificates.models import STATUS_LABELS, certificate_status
from oscart.core import local_time
from oscart.core.extensions import db

BATCH = 1000


def company_header():
    return [_("Last name"), _("First name"), _("E-mail address"), _("Course"), _("Code"), _("Completed on"),
            _("Valid until"), _("Status"), _("Refresher due by")]


def company_rows(query, within_days):
    """The cells of the company list ``query`` (``services.list_company``), read in batches (flat memory)."""
    today = local_time.today()
    statement = query.add_columns(User.email).execution_options(yield_per=BATCH)
    for row in db.session.execute(statement):
        yield (row.last_name, row.first_name, row.email, row.course_title, row.code, row.completed_on,
               row.valid_until, _status(row, today, within_days), local_time.local_date(row.refresher_due_at))


def all_header():
    return [_("Code"), _("Holder"), _("Course"), _("Completed on"), _("Valid until"), _("Status")]


def all_rows(query):
    """The cells of the platform admins' list ``query`` (``services.list_all``), read in batches."""
    today = local_time.today()
    for row in db.session.execute(query.execution_options(yield_per=BATCH)):
        yield (row.code, row.holder_name, row.course_title, row.completed_on, row.valid_until,
               _status(row, today, 30))


def _status(row, today, within_days):
    return str(STATUS_LABELS[certificate_status(row.revoked_at, row.superseded_at, row.valid_until, today,
                                                within_days)])
