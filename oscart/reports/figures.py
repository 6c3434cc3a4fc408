"""The figures of a company's report, read from the counts kept in summary_count (reports.summary) in one statement,
whatever the company's size.

Every figure counts the company's current people (visible, not deactivated), or those of one of its groups:

- completion rate per course and per group: of the enrolments open at some time in the period (not completed
  before its start), the share completed by its end;
- overdue per month: required courses whose due date fell in that month and passed without completion by then;
- certificates expiring per month: current certificates whose last valid day falls in that month (the months
  ahead, as many as the period has);
- attendance rate per month: of the session parts held in that month with attendance taken, the share attended
  (present, late or left early; excused absences are left out).

``from_rows.load_report`` computes the same from the enrolment, certificate and attendance rows.
"""

from collections import namedtuple
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Integer, and_, bindparam, case, cast, func, literal, select

from oscart.assignments.summary_models import SummaryCount
from oscart.certificates import dates
from oscart.companies.models import Group
from oscart.core import local_time
from oscart.core.database import SelectsInOne, prepared, utcnow
from oscart.reports import summary
from oscart.training.models import Course
from oscart.training.titles import READER_COMPANY, READER_LANGUAGE, reader_title

PERIODS = (3, 6, 12, 24)  # months
DEFAULT_PERIOD = 12

Rate = namedtuple("Rate", "id label done total")
Month = namedtuple("Month", "start count total")


@dataclass(frozen=True)
class ReportFilters:
    months: int = DEFAULT_PERIOD
    group_id: int | None = None


@dataclass
class Report:
    courses: list  # [Rate]
    groups: list  # [Rate]
    overdue: list  # [Month]: count
    expiring: list  # [Month]: count
    attendance: list  # [Month]: count attended of total
    group_choices: list  # [(id, name)]
    period_start: date
    period_end: date  # the last day


def month_starts(first, count):
    """``count`` first days of months from the month of ``first``, plus the one after the last."""
    return [dates.add_months(first.replace(day=1), index) for index in range(count + 1)]


def report_params(actor, preferred, filters, now):
    """The bound values of a report's statement, and its past and coming months. Course titles are in the
    reader's language (``preferred``: preferred_languages(actor)), then the company's, the course's own, then any
    (oscart.training.titles)."""
    today = now.astimezone(local_time.BRUSSELS).date()
    past = month_starts(dates.add_months(today.replace(day=1), 1 - filters.months), filters.months)
    coming = month_starts(today, filters.months)
    params = {"company_id": actor.company_id, "now": now, "period_start": moment(past[0]),
              "period_end": moment(past[-1]), READER_LANGUAGE: preferred.wanted, READER_COMPANY: actor.company_id}
    for index, day in enumerate(past):
        params[f"past_{index}"] = moment(day)
    for index, day in enumerate(coming):
        params[f"coming_{index}"] = day
    return params, past, coming


def load_report(actor, preferred, filters, *, now=None):
    params, past, coming = report_params(actor, preferred, filters, now or utcnow())
    params["scope_id"] = filters.group_id or 0
    for index, day in enumerate(coming):
        params[f"coming_{index}"] = moment(day)
    return build_report(_statement(filters.months).rows(params), past, coming)


def build_report(found, past, coming):
    return Report(courses=[Rate(row.id, row.code if row.title is None else row.title, row.done, row.total)
                           for row in found["courses"]],
                  groups=[Rate(row.id, row.name, row.done, row.total) for row in found["group_rates"]],
                  overdue=_months(past, found["overdue"]), expiring=_months(coming, found["expiring"]),
                  attendance=_months(past, found["attendance"]),
                  group_choices=[(row.id, row.name) for row in found["groups"]],
                  period_start=past[0], period_end=past[-1] - timedelta(days=1))


def moment(day):
    """The start of a Brussels calendar day as an aware datetime."""
    return datetime.combine(day, time(0), tzinfo=local_time.BRUSSELS)


def _months(starts, found):
    by_index = {row.month: row for row in found}
    return [Month(start, int(by_index[index].count) if index in by_index else 0,
                  int(by_index[index].total or 0) if index in by_index else 0)
            for index, start in enumerate(starts[:-1])]


def bucket(column, prefix, count):
    """The index of the month ``column`` falls in (bounds ``prefix_0`` … ``prefix_count``)."""
    return case(*((column < bindparam(f"{prefix}_{index + 1}"), literal(index)) for index in range(count)),
                else_=literal(count)).label("month")


def _kinds(*kinds):
    """SQL condition: the row counts one of ``kinds``, each a plain bound value (a list would be an expanding
    parameter, written into the statement again at every execution)."""
    return SummaryCount.kind.in_([literal(kind) for kind in kinds])


def _sum(kind):
    return func.sum(case((SummaryCount.kind == kind, SummaryCount.count), else_=0))


@prepared
def _statement(months):
    mine = and_(SummaryCount.company_id == bindparam("company_id"), SummaryCount.scope_id == bindparam("scope_id"))
    since_start = SummaryCount.at >= bindparam("period_start")
    done = cast(func.sum(case((and_(_kinds(summary.DONE, summary.G_DONE),
                                    SummaryCount.at < bindparam("period_end")), SummaryCount.count), else_=0)),
                Integer)
    per_course = (select(SummaryCount.item_id.label("course_id"), done.label("done"),
                         _sum(summary.ENROLLED).label("total"))
                  .where(mine, _kinds(summary.ENROLLED, summary.DONE), since_start)
                  .group_by(SummaryCount.item_id).subquery("per_course"))
    courses = (select(Course.id, Course.code, per_course.c.done, per_course.c.total,
                      reader_title(Course.id).label("title"))
               .join(per_course, per_course.c.course_id == Course.id)
               .where(per_course.c.total > 0))
    per_group = (select(SummaryCount.item_id.label("group_id"), done.label("done"),
                        _sum(summary.G_ENROLLED).label("total"))
                 .where(mine, _kinds(summary.G_ENROLLED, summary.G_DONE), since_start)
                 .group_by(SummaryCount.item_id).subquery("per_group"))
    group_rates = (select(Group.id, Group.name, per_group.c.done, per_group.c.total)
                   .join(per_group, per_group.c.group_id == Group.id)
                   .where(Group.company_id == bindparam("company_id"), per_group.c.total > 0))
    return SelectsInOne(
        courses=(courses, [per_course.c.total.desc(), Course.code, Course.id]),
        group_rates=(group_rates, [Group.name, Group.id]),
        overdue=_per_month(mine, summary.DUE, None, "past", months, SummaryCount.at < bindparam("now")),
        expiring=_per_month(mine, summary.EXPIRING, None, "coming", months),
        attendance=_per_month(mine, summary.ATTENDED, summary.MARKED, "past", months),
        groups=(select(Group.id, Group.name).where(Group.company_id == bindparam("company_id")),
                [Group.name, Group.id]))


def _per_month(mine, kind, total_kind, prefix, months, *conditions):
    """(statement, order) of the counts of ``kind`` (and of ``total_kind`` as the total) per month.

    The month is computed in a subquery, so that its comparisons with the month bounds are written (and their
    values bound) once rather than again in the grouping and the order."""
    rows = (select(bucket(SummaryCount.at, prefix, months), SummaryCount.kind, SummaryCount.count)
            .where(mine, _kinds(kind, total_kind) if total_kind else SummaryCount.kind == kind,
                   SummaryCount.at >= bindparam(f"{prefix}_0"), SummaryCount.at < bindparam(f"{prefix}_{months}"),
                   *conditions)
            .subquery(f"{prefix}_{kind}"))
    counted = func.sum(case((rows.c.kind == kind, rows.c.count), else_=0))
    total = func.sum(case((rows.c.kind == total_kind, rows.c.count), else_=0)) if total_kind else literal(0)
    statement = (select(rows.c.month, counted.label("count"), total.label("total")).group_by(rows.c.month))
    return statement, [rows.c.month]
