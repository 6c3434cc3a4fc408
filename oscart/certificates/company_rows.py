"""The rows of the company certificates table, written in Python (templates/certificates/company.html calls it).

Written by the template, each of the page's 25 rows looked up a dozen values through Jinja's attribute access
and called the status macro and the date filter: more than the rest of the page together. This writes the same
markup; every value is escaped here, and dates go through the template's own (remembered) date filter.
"""

from flask_babel import gettext as _
from markupsafe import Markup, escape

from oscart.certificates.models import EXPIRED, EXPIRING, STATUS_LABELS, certificate_status
from oscart.core import local_time
from oscart.core.i18n import TEMPLATE_FILTERS, translated_labels
from oscart.core.templating import csrf_token
from oscart.core.urls import template_url_for, url_with_args

BADGE_CLASSES = {"valid": "badge-ok", "expiring": "badge-warn", "expired": "badge-err", "revoked": "badge-err",
                 "superseded": ""}


def company_rows(items, within_days, label):
    """The ``<tr>`` rows of the table: ``items`` the page's rows (company_listing), ``within_days`` how soon a
    certificate counts as expiring, ``label`` the data-label texts by column."""
    if not items:
        none = escape(_("No certificates match these filters."))
        return Markup(f'    <tr><td colspan="6">{none}</td></tr>\n')  # noqa: S704 - escaped
    date = TEMPLATE_FILTERS["dateformat"]
    labels = translated_labels(STATUS_LABELS)
    employee, course, completed, valid, status_label, actions = (
        escape(label[key]) for key in ("employee", "course", "completed", "valid", "status", "actions"))
    download, no_expiry = escape(_("Download")), escape(_("No expiry"))
    today = local_time.today()
    parts = []
    for row in items:
        status = certificate_status(row.revoked_at, row.superseded_at, row.valid_until, today, within_days)
        name = f"{escape(row.last_name)}, {escape(row.first_name)}"
        title = escape(row.course_title)
        valid_until = escape(date(row.valid_until, "medium")) if row.valid_until else no_expiry
        link = template_url_for("certificates.download", certificate_id=row.id)
        marked = ' class="cert-expiring"' if status == EXPIRING else ""
        parts.append(
            f'    <tr{marked}>\n'
            f'      <td data-label="{employee}">{name}</td>\n'
            f'      <td data-label="{course}">{title}<br><span class="muted cert-code">{escape(row.code)}</span></td>\n'
            f'      <td data-label="{completed}">{escape(date(row.completed_on, "medium"))}</td>\n'
            f'      <td data-label="{valid}">{valid_until}</td>\n'
            f'      <td data-label="{status_label}"><span class="badge {BADGE_CLASSES[status]}">'
            f'{escape(labels[status])}</span></td>\n'
            f'      <td data-label="{actions}" class="cert-actions">\n'
            f'        <a href="{escape(link)}">{download}<span class="visually-hidden"> — {escape(row.last_name)}, '
            f'{title}</span></a>\n{_refresher(row, status, date) if status in (EXPIRING, EXPIRED) else ""}'
            f'      </td>\n    </tr>\n')
    return Markup("".join(parts))  # noqa: S704 - every value is escaped


def _refresher(row, status, date):
    """An expiring or expired certificate's refresher: its due date when assigned, else a form to assign it."""
    if row.refresher_due_at:
        due = _("Refresher due %(date)s", date=date(row.refresher_due_at, "medium"))
        return f'        <span class="badge">{escape(due)}</span>\n'
    action = url_with_args("certificates.refresher", {"certificate_id": row.id})
    due = row.valid_until if status == EXPIRING else None
    label, button = escape(_("Refresher due by")), escape(_("Assign refresher"))
    return (f'        <form method="post" class="cert-refresher" action="{escape(action)}">\n'
            f'          <input type="hidden" name="csrf_token" value="{escape(csrf_token())}">\n'
            f'          <label for="due-{row.id}">{label}</label>\n'
            f'          <input type="date" id="due-{row.id}" name="due_on" required value="{escape(due or "")}">\n'
            f'          <button type="submit" class="button">{button}</button>\n'
            f'        </form>\n')
