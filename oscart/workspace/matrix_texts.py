"""What each cell of the training matrix says, in the reader's language, made once per cell in Python.

A page shows a few hundred cells; written in the template, each cell's badge and due date cost several
translation calls, date formats and escapes through Jinja's machinery, more than the rest of the page. Here each
message is looked up once per page and each date formatted once per page (and remembered across pages by the date
filter), and the table's rows are written here too (``body_rows``): a template loop looks up every cell's values
through Jinja's attribute access and escapes each one, which cost more than the rest of the page.
"""

from collections import namedtuple
from functools import lru_cache

from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from oscart.workspace import matrix_cells as mc

CellText = namedtuple("CellText", "css badge label required")

# Status → (badge class, message with %(date)s or %(percent)s, the cell's date column); the messages are the
# template's before, so their translations stay.
_BADGES = {
    mc.OVERDUE: ("badge badge-err", _l("Overdue since %(date)s"), "due_at"),
    mc.EXPIRED: ("badge badge-err", _l("Expired on %(date)s"), "valid_until"),
    mc.EXPIRING: ("badge badge-warn", _l("Expiring: valid until %(date)s"), "valid_until"),
    mc.VALID: ("badge badge-ok", _l("Valid until %(date)s"), "valid_until"),
    mc.BOOKED: ("badge badge-info", _l("Registered for %(date)s"), "session_starts_at"),
}
COMPLETED_ON = _l("Completed on %(date)s")
IN_PROGRESS = _l("In progress: %(percent)s%%")
REQUIRED_DUE = _l("Required, due %(date)s")
REQUIRED = _l("Required")


@lru_cache(maxsize=4096)
def _medium_date(value, locale):
    """A date (or the Brussels date of a datetime) as the ``dateformat("medium")`` filter writes it in ``locale``
    (the request's, in force while this runs)."""
    return format_date(value, "medium")


def cell_texts(cells, status_labels):
    """{key: CellText} of the cells {key: cell row}; ``status_labels``: the statuses' names (lazy strings)."""
    # Each message translated once: a lazy string with no values leaves its placeholders (and %%) to fill here.
    messages = {status: (badge, str(message), column) for status, (badge, message, column) in _BADGES.items()}
    completed_on, in_progress, due, required = str(COMPLETED_ON), str(IN_PROGRESS), str(REQUIRED_DUE), str(REQUIRED)
    completed, not_started = str(status_labels[mc.DONE]), str(status_labels[mc.NOT_STARTED])
    locale = str(get_locale())
    dates = {}

    def day(value):
        text = dates.get(value)
        if text is None:
            text = dates[value] = _medium_date(value, locale)
        return text

    texts = {}
    for key, cell in cells.items():
        status = cell.status
        if status in messages:
            badge, message, column = messages[status]
            label = message % {"date": day(getattr(cell, column))}
        elif status == mc.DONE:
            badge, finished = "badge badge-ok", cell.completed_at or cell.completed_on
            label = completed_on % {"date": day(finished)} if finished else completed
        elif status == mc.STARTED:
            badge, label = "badge", in_progress % {"percent": cell.progress_percent}
        else:
            badge, label = "badge", not_started
        css, tag = f"cell-{status}", None
        if cell.is_required:
            css += " cell-required"
            tag = required if status == mc.OVERDUE else due % {"date": day(cell.due_at)}
        texts[key] = CellText(css, badge, label, tag)
    return texts


def body_rows(people, shown, texts, not_enrolled):
    """The ``<tr>`` rows of the matrix's body (what templates/companies/training.html wrote in a loop, to the
    character): a person per row, a cell per shown course (``texts`` from cell_texts)."""
    if not people:
        empty = _("No employees found.")
        return Markup(f'    <tr><td colspan="{len(shown) + 1}">{empty}</td></tr>\n')  # noqa: S704
    course_ids = [course.id for course in shown]
    none = (f'<td class="cell-none"><span aria-hidden="true">—</span><span class="visually-hidden">'
            f'{escape(not_enrolled)}</span></td>\n')
    deactivated = _("Deactivated")
    deactivated = f' <span class="badge">{deactivated}</span>'  # a template's {% trans %}: not escaped
    written = {}  # each distinct cell's markup once per page
    parts = []
    for person in people:
        parts.append(f'    <tr>\n      <th scope="row">{escape(person.last_name)}, {escape(person.first_name)}'
                     f'{"" if person.is_active else deactivated}</th>\n')
        user_id = person.id
        for course_id in course_ids:
            text = texts.get((user_id, course_id))
            if text is None:
                parts.append(none)
                continue
            html = written.get(text)
            if html is None:
                tag = f' <span class="required-tag">{escape(text.required)}</span>' if text.required else ""
                html = written[text] = (f'<td class="{escape(text.css)}"><span class="{escape(text.badge)}">'
                                        f'{escape(text.label)}</span>{tag}</td>')
            parts.append(html)
        parts.append("    </tr>\n")
    return Markup("".join(parts))  # noqa: S704 - every value is escaped above
