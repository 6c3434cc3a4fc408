"""The report's charts (server-rendered SVG, no script needed) and the tables beside them, written in Python.

The report shows some forty bars and columns and as many table rows; written by Jinja macros, each value went
through Jinja's attribute lookups, escapes and macro calls, which cost as much as everything else on the page. These
functions write the same markup, to the character, and the template calls them as it called its macros: values are
escaped here (a translated text the template passes in is Markup already and stays as it is).

Horizontal positions are percentages of the chart's width, so text keeps its size on a phone. Each chart has a title
and a description for screen readers, and its figures are also in the table beside it (charts.py gives the
geometry and the tables' texts).
"""

from markupsafe import Markup, escape


def bar_chart(chart, id, title, desc):  # noqa: A002 - the template's name for it
    """A horizontal bar per Rate, its label above it and its percentage after it."""
    parts = [_head(chart, id, title, desc)]
    track = chart.track
    for bar in chart.bars:
        label, value = escape(bar.label), escape(bar.value)
        parts.append(f'  <g>\n    <title>{escape(bar.title)}: {value}</title>\n'
                     f'    <text x="0" y="{bar.y + 12}">{label}</text>\n'
                     f'    <rect class="bar-track" x="0" y="{bar.y + 17}" width="{track}%" height="14" rx="2"></rect>\n'
                     f'    <rect class="bar" x="0" y="{bar.y + 17}" width="{bar.width}%" height="14" rx="2"></rect>\n'
                     f'    <text x="100%" y="{bar.y + 29}" text-anchor="end">{value}</text>\n  </g>\n')
    parts.append("</svg>\n")
    return Markup("".join(parts))  # noqa: S704 - every value is escaped


def column_chart(chart, id, title, desc, alt=False):  # noqa: A002 - the template's name for it
    """A column per month, its value above it and the month's short name below the baseline."""
    baseline = chart.baseline
    parts = [_head(chart, id, title, desc),
             '  <line class="axis" x1="0" x2="100%" y1="22" y2="22" stroke-dasharray="3 3"></line>\n'
             f'  <text x="0" y="16" class="axis-label">{escape(chart.top_label)}</text>\n'
             f'  <line class="axis" x1="0" x2="100%" y1="{baseline}" y2="{baseline}"></line>\n']
    css = "bar-alt" if alt else "bar"
    for column in chart.bars:
        value = escape(column.value)
        parts.append(f'  <g>\n    <title>{escape(column.title)}: {value or "0"}</title>\n'
                     f'    <rect class="{css}" x="{column.x}%" y="{column.y}" width="{column.width}%" '
                     f'height="{column.height}"></rect>\n')
        if column.value:
            parts.append(f'<text x="{column.center}%" y="{column.y - 4}" text-anchor="middle" class="value">'
                         f'{value}</text>')
        if column.label:
            parts.append(f'<text x="{column.center}%" y="{baseline + 16}" text-anchor="middle">'
                         f'{escape(column.label)}</text>')
        parts.append("  </g>\n")
    parts.append("</svg>\n")
    return Markup("".join(parts))  # noqa: S704 - every value is escaped


def _head(chart, id, title, desc):  # noqa: A002
    id = escape(id)  # noqa: A001
    return (f'<svg class="chart" width="100%" height="{chart.height}" role="img" '
            f'aria-labelledby="{id}-title {id}-desc">\n'
            f'  <title id="{id}-title">{escape(title)}</title>\n  <desc id="{id}-desc">{escape(desc)}</desc>\n')


def rate_table(label, rows, first):
    """The table beside a rate chart: the item, "done of total" and the rate (rows: charts.RateRow)."""
    first, completed, rate = escape(first), escape(label["completed"]), escape(label["rate"])
    body = "".join(f'<tr><td data-label="{first}">{escape(row.label)}</td><td class="num" data-label="{completed}">'
                   f'{escape(row.completed)}</td><td class="num" data-label="{rate}">{escape(row.rate)}</td></tr>'
                   for row in rows)
    return Markup(  # noqa: S704 - every value is escaped
        f'<table class="report-table">\n  <thead><tr><th scope="col">{first}</th><th scope="col" class="num">'
        f'{completed}</th><th scope="col" class="num">{rate}</th></tr></thead>\n  <tbody>{body}</tbody>\n</table>\n')


def month_card(label, id, heading, note, chart, rows, value_label, alt=False, as_rate=False,  # noqa: A002
               desc=""):
    """A card with a month chart and its table (rows: charts.MonthRow); ``desc`` describes the chart."""
    month, attended, value_label = escape(label["month"]), escape(label["attended"]), escape(value_label)
    body = []
    for row in rows:
        body.append(f'<tr><td data-label="{month}">{escape(row.month)}</td>\n')
        if as_rate:
            body.append(f'<td class="num" data-label="{attended}">{escape(row.completed)}</td>\n')
        body.append(f'<td class="num" data-label="{value_label}">{escape(row.value)}</td></tr>')
    attended_head = f'<th scope="col" class="num">{attended}</th>' if as_rate else ""
    id, heading = escape(id), escape(heading)  # noqa: A001
    return Markup(  # noqa: S704 - every value is escaped
        f'<section class="card report-card" aria-labelledby="{id}-heading">\n  <h2 id="{id}-heading">{heading}</h2>\n'
        f'  <p class="muted">{escape(note)}</p>\n  <div class="report-pair">\n'
        f'  {column_chart(chart, "chart-" + id, heading, desc, alt)}\n'
        f'  <table class="report-table">\n    <thead><tr><th scope="col">{month}</th>{attended_head}'
        f'<th scope="col" class="num">{value_label}</th></tr></thead>\n'
        f'    <tbody>{"".join(body)}</tbody>\n  </table>\n  </div>\n</section>\n')
