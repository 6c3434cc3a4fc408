"""The rows of the employee page's course table, written in Python (templates/workspace/employee.html calls it).

A person follows up to some fifty courses; written by the template, each row called the progress macro and two date
filters through Jinja's machinery, which cost more than the rest of the page. This writes the same markup, to the
character: values are escaped here, the labels the template passes in are Markup already and stay as they are, and
dates go through the template's own (remembered) date filter.
"""

from flask_babel import gettext as _
from markupsafe import Markup, escape

from oscart.core.i18n import TEMPLATE_FILTERS
from oscart.training.models import COMPLETED


def course_rows(courses, label, now):
    """The ``<tr>`` rows of the course table (``courses``: the employee page's enrolment rows, ``label``: the
    table's data-label texts by column)."""
    if not courses:
        empty = _("No courses yet.")
        return Markup(f'    <tr><td colspan="5">{empty}</td></tr>\n')  # noqa: S704 - a translation
    date = TEMPLATE_FILTERS["dateformat"]
    # Translations as a template's {% trans %} and _() write them: not escaped.
    done, overdue, open_ = _("Completed"), _("Overdue"), _("In progress")
    done = f'<span class="badge badge-ok">{done}</span>'
    overdue = f'<span class="badge badge-err">{overdue}</span>'
    open_ = f'<span class="badge">{open_}</span>'
    progress_label = _("Progress")
    course, status, progress, due, completed = (escape(label[key]) for key in
                                                ("course", "status", "progress", "due", "completed"))
    parts = []
    for row in courses:
        if row.status == COMPLETED:
            badge = done
        elif row.due_at and row.due_at < now:
            badge = overdue
        else:
            badge = open_
        percent = escape(row.progress_percent)
        parts.append(
            f'    <tr>\n      <td data-label="{course}">{escape(row.title or "—")}</td>\n'
            f'      <td data-label="{status}">{badge}</td>\n'
            f'      <td data-label="{progress}"><div class="progress-line">\n'
            f'  <progress class="progress-bar" max="100" value="{percent}" aria-label="{progress_label}">{percent}%'
            f'</progress>\n  <span class="progress-text">{percent}%</span>\n</div>\n</td>\n'
            f'      <td data-label="{due}">{escape(date(row.due_at, "medium")) if row.due_at else "—"}</td>\n'
            f'      <td data-label="{completed}">'
            f'{escape(date(row.completed_at, "medium")) if row.completed_at else "—"}</td>\n    </tr>\n')
    return Markup("".join(parts))  # noqa: S704 - every value is escaped
