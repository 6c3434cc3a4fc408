"""The geometry of the report's charts, for the SVG written by templates/reports/_charts.html.

Charts take the width of their column: horizontal positions are percentages of it, heights and text sizes are
pixels, so the text stays readable at 360 pixels and nothing scrolls sideways. Every number shown is formatted by
Babel for the reader's locale.
"""

from collections import namedtuple

from flask_babel import format_date, format_decimal, format_percent

ROW = 38  # pixels: one bar of a horizontal chart with its label above it
TRACK = 82  # percent of the width a full bar takes; its percentage is written after it
LABEL_CHARACTERS = 46

HorizontalBar = namedtuple("HorizontalBar", "label title y width value")
Column = namedtuple("Column", "label title x center y width height value")
Chart = namedtuple("Chart", "track height bars baseline top_label")


def rate(done, total):
    return done / total if total else 0.0


def percent(value):
    return format_percent(value)  # the locale's pattern: "33 %" in French and German


def rate_bars(rates, limit=None):
    """A horizontal bar per Rate (label above its bar, the percentage after it), the first ``limit`` only."""
    shown = rates[:limit] if limit else rates
    bars = [HorizontalBar(_short(item.label), item.label, index * ROW, round(TRACK * rate(item.done, item.total), 2),
                          percent(rate(item.done, item.total)))
            for index, item in enumerate(shown)]
    return Chart(TRACK, max(1, len(bars)) * ROW, bars, None, None)


def month_columns(months, *, as_rate=False, height=190):
    """A column per Month: the count (or count out of total as a percentage), the month's short name below."""
    values = [rate(month.count, month.total) if as_rate else month.count for month in months]
    top = 1.0 if as_rate else max(values + [1])
    plot_top, baseline = 22, height - 26
    slot = 100 / max(1, len(months))
    every = 1 if len(months) <= 12 else 2
    columns = []
    for index, (month, value) in enumerate(zip(months, values, strict=True)):
        bar = round((baseline - plot_top) * value / top, 1)
        text = percent(value) if as_rate else format_decimal(value)
        if as_rate and not month.total:
            text = "–"
        columns.append(Column(format_date(month.start, "LLL") if index % every == 0 else "",
                              format_date(month.start, "LLLL yyyy"), round(index * slot + slot * .15, 2),
                              round(index * slot + slot / 2, 2), round(baseline - bar, 1), round(slot * .7, 2), bar,
                              text if len(months) <= 12 else ""))
    top_label = percent(1) if as_rate else format_decimal(top)
    return Chart(100, height, columns, baseline, top_label)


def _short(label):
    return label if len(label) <= LABEL_CHARACTERS else label[:LABEL_CHARACTERS - 1].rstrip() + "…"
