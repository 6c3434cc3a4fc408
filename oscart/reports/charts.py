"""The geometry of the report's charts, for the SVG written by oscart/reports/markup.py, and the rows of the tables
beside them.

Charts take the width of their column: horizontal positions are percentages of it, heights and text sizes are
pixels, so the text stays readable at 360 pixels and nothing scrolls sideways. Every number shown is formatted by
Babel for the reader's locale, each value once per locale (Formats): a report shows a few hundred of them.
"""

from collections import namedtuple
from functools import lru_cache

from flask_babel import format_date, format_decimal, format_percent, get_locale
from flask_babel import lazy_gettext as _l

ROW = 38  # pixels: one bar of a horizontal chart with its label above it
TRACK = 82  # percent of the width a full bar takes; its percentage is written after it
LABEL_CHARACTERS = 46

HorizontalBar = namedtuple("HorizontalBar", "label title y width value")
Column = namedtuple("Column", "label title x center y width height value")
Chart = namedtuple("Chart", "track height bars baseline top_label")
RateRow = namedtuple("RateRow", "label completed rate")
DONE_OF = _l("%(done)s of %(total)s")
MonthRow = namedtuple("MonthRow", "month completed value")


def rate(done, total):
    return done / total if total else 0.0


# The formatters use the locale in force; the locale is part of each key.
@lru_cache(maxsize=4096)
def _percent(value, _locale):
    return format_percent(value)  # the locale's pattern: "33 %" in French and German


@lru_cache(maxsize=4096)
def _number(value, _locale):
    return format_decimal(value)


@lru_cache(maxsize=1024)
def _date(day, pattern, _locale):
    return format_date(day, pattern)


class Formats:
    """The reader's formats of percentages, numbers and months (of a request, in its locale)."""

    def __init__(self):
        self.locale = str(get_locale())
        self.done_of = str(DONE_OF)  # its placeholders filled per row

    def percent(self, value):
        return _percent(value, self.locale)

    def number(self, value):
        return _number(value, self.locale)

    def month(self, day, pattern="LLLL yyyy"):
        return _date(day, pattern, self.locale)


def rate_bars(rates, formats, limit=None):
    """A horizontal bar per Rate (label above its bar, the percentage after it), the first ``limit`` only."""
    shown = rates[:limit] if limit else rates
    bars = [HorizontalBar(_short(item.label), item.label, index * ROW, round(TRACK * rate(item.done, item.total), 2),
                          formats.percent(rate(item.done, item.total)))
            for index, item in enumerate(shown)]
    return Chart(TRACK, max(1, len(bars)) * ROW, bars, None, None)


def month_columns(months, formats, *, as_rate=False, height=190):
    """A column per Month: the count (or count out of total as a percentage), the month's short name below."""
    values = [rate(month.count, month.total) if as_rate else month.count for month in months]
    top = 1.0 if as_rate else max(values + [1])
    plot_top, baseline = 22, height - 26
    slot = 100 / max(1, len(months))
    every = 1 if len(months) <= 12 else 2
    columns = []
    for index, (month, value) in enumerate(zip(months, values, strict=True)):
        bar = round((baseline - plot_top) * value / top, 1)
        text = formats.percent(value) if as_rate else formats.number(value)
        if as_rate and not month.total:
            text = "–"
        columns.append(Column(formats.month(month.start, "LLL") if index % every == 0 else "",
                              formats.month(month.start), round(index * slot + slot * .15, 2),
                              round(index * slot + slot / 2, 2), round(baseline - bar, 1), round(slot * .7, 2), bar,
                              text if len(months) <= 12 else ""))
    top_label = formats.percent(1) if as_rate else formats.number(top)
    return Chart(100, height, columns, baseline, top_label)


def rate_rows(rates, formats):
    """[RateRow] of the table beside a rate chart: "done of total" and the rate."""
    return [RateRow(item.label, formats.done_of % {"done": formats.number(item.done),
                                                   "total": formats.number(item.total)},
                    formats.percent(rate(item.done, item.total)))
            for item in rates]


def month_rows(months, formats, *, as_rate=False):
    """[MonthRow] of the table beside a month chart: the count, or "attended of total" and the rate."""
    rows = []
    for month in months:
        if as_rate:
            completed = formats.done_of % {"done": formats.number(month.count), "total": formats.number(month.total)}
            value = formats.percent(rate(month.count, month.total)) if month.total else "–"
        else:
            completed, value = None, formats.number(month.count)
        rows.append(MonthRow(formats.month(month.start), completed, value))
    return rows


def _short(label):
    return label if len(label) <= LABEL_CHARACTERS else label[:LABEL_CHARACTERS - 1].rstrip() + "…"
