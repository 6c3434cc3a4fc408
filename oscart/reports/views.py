"""The company report: one page of charts with their tables, filtered by period and group, and its export."""

from flask import Blueprint, render_template, request
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from oscart.core import tabular
from oscart.core.ids import coerce_id
from oscart.core.security import require
from oscart.reports import charts, figures, markup
from oscart.training.texts import preferred_languages

bp = Blueprint("reports", __name__, url_prefix="/company")

COURSES_CHARTED = 15  # the most followed; the table and the export hold them all
PERIOD_LABELS = {3: _l("Last 3 months"), 6: _l("Last 6 months"), 12: _l("Last 12 months"),
                 24: _l("Last 24 months")}


@bp.get("/reports")
@require("company.manage")
def dashboard():
    filters = _filters()
    report = figures.load_report(current_user, preferred_languages(current_user), filters)
    drawn, tables = _charts_and_tables(report)
    return render_template("reports/dashboard.html", report=report, filters=filters, charts=drawn, tables=tables,
                           periods=[(months, str(label)) for months, label in PERIOD_LABELS.items()],
                           bar_chart=markup.bar_chart, rate_table=markup.rate_table, month_card=markup.month_card)


@bp.get("/reports.xlsx", defaults={"extension": "xlsx"})
@bp.get("/reports.csv", defaults={"extension": "csv"})
@require("company.manage")
def export(extension):
    filters = _filters()
    report = figures.load_report(current_user, preferred_languages(current_user), filters)
    header = [_("Figure"), _("Item"), _("Count"), _("Out of"), _("Rate (%)")]
    return tabular.export_response(extension, "training-report", header, _export_rows(report), title=_("Report"))


def _charts_and_tables(report):
    formats = charts.Formats()
    drawn = {"courses": charts.rate_bars(report.courses, formats, COURSES_CHARTED),
             "groups": charts.rate_bars(report.groups, formats)}
    tables = {"courses": charts.rate_rows(report.courses, formats), "groups": charts.rate_rows(report.groups, formats)}
    for name, as_rate in (("overdue", False), ("expiring", False), ("attendance", True)):
        drawn[name] = charts.month_columns(getattr(report, name), formats, as_rate=as_rate)
        tables[name] = charts.month_rows(getattr(report, name), formats, as_rate=as_rate)
    return drawn, tables


def _filters():
    months = request.args.get("period", figures.DEFAULT_PERIOD, type=int)
    return figures.ReportFilters(months=months if months in figures.PERIODS else figures.DEFAULT_PERIOD,
                                 group_id=request.args.get("group", type=coerce_id))


def _export_rows(report):
    for name, rates in ((_("Completion rate per course"), report.courses),
                        (_("Completion rate per group"), report.groups)):
        for item in rates:
            yield name, item.label, item.done, item.total, _percentage(item.done, item.total)
    for name, months, as_rate in ((_("Overdue per month"), report.overdue, False),
                                  (_("Certificates expiring per month"), report.expiring, False),
                                  (_("Attendance rate per month"), report.attendance, True)):
        for month in months:
            label = format_date(month.start, "LLLL yyyy")
            if as_rate:
                yield name, label, month.count, month.total, _percentage(month.count, month.total)
            else:
                yield name, label, month.count, None, None


def _percentage(done, total):
    return round(100 * done / total, 1) if total else None
