"""The cells of the audit events export (written as CSV or XLSX by ``oscart.core.tabular``)."""

import json

from flask_babel import gettext as _

from oscart.core.local_time import BRUSSELS


def header():
    """The column labels in the reader's language; the action column holds the action's code."""
    return (_("When (Brussels time)"), _("Action"), _("By"), _("About"), _("Company"), _("IP address"), _("Target"),
            _("Details"), _("Number"))


def export_rows(rows):
    """One tuple of cells per event, in the header's order, read lazily so that a large export streams."""
    for row in rows:
        yield (row.at.astimezone(BRUSSELS).strftime("%Y-%m-%d %H:%M:%S"), row.action, row.actor_email,
               row.subject_email, row.company_name, row.ip, row.target,
               json.dumps(row.details or {}, ensure_ascii=False, sort_keys=True), row.seq)
