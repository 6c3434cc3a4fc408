"""The figures of a company's report, aggregated in SQL in one statement whatever the company's size.

Every figure counts the company's current people (visible, not deactivated), or those of one of its groups:

- completion rate per course and per group: of the enrolments open at some time in the period (enrolled before
  its end, not completed before its start), the share completed by its end;
- overdue per month: required courses whose due date fell in that month and passed without completion by then;
- certificates expiring per month: current certificates whose last valid day falls in that month (the months
  ahead, as many as the period has);
- attendance rate per month: of the session parts held in that month with attendance taken, the share attended
  (present, late or left early; excused absences are left out).
"""

from collections import namedtuple
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Integer, and_, bindparam, case, cast, func, literal, or_, select

from oscart.accounts.models import User
from oscart.certificates import dates
from oscart.certificates.models import Certificate
from oscart.classroom.models import ABSENT, EXCUSED, Attendance
from oscart.companies.models import Group, GroupMember
from oscart.companies.services import visible_employees
from oscart.core import local_time
from oscart.core.database import SelectsInOne, prepared, utcnow
from oscart.training.models import COMPLETED, Course, CourseTranslation, Enrolment
from oscart.training.texts import first_row_per_id, pick_course_texts

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


def load_report(actor, preferred, filters, *, now=None):
    now = now or utcnow()
    today = now.astimezone(local_time.BRUSSELS).date()
    past = month_starts(dates.add_months(today.replace(day=1), 1 - filters.months), filters.months)
    coming = month_starts(today, filters.months)
    params = {"company_id": actor.company_id, "now": now, "period_start": _moment(past[0]),
              "period_end": _moment(past[-1])}
    if filters.group_id is not None:
        params["group_id"] = filters.group_id
    for index, day in enumerate(past):
        params[f"past_{index}"] = _moment(day)
    for index, day in enumerate(coming):
        params[f"coming_{index}"] = day
    found = _statement(filters.months, filters.group_id is not None).rows(params)
    return Report(courses=_course_rates(found["courses"], preferred),
                  groups=[Rate(row.id, row.name, row.done, row.total) for row in found["group_rates"]],
                  overdue=_months(past, found["overdue"]), expiring=_months(coming, found["expiring"]),
                  attendance=_months(past, found["attendance"]),
                  group_choices=[(row.id, row.name) for row in found["groups"]],
                  period_start=past[0], period_end=past[-1] - timedelta(days=1))


def _moment(day):
    """The start of a Brussels calendar day as an aware datetime."""
    return datetime.combine(day, time(0), tzinfo=local_time.BRUSSELS)


def _months(starts, found):
    by_index = {row.month: row for row in found}
    return [Month(start, int(by_index[index].count) if index in by_index else 0,
                  int(by_index[index].total or 0) if index in by_index else 0)
            for index, start in enumerate(starts[:-1])]


def _course_rates(found, preferred):
    courses = first_row_per_id(found)
    texts = pick_course_texts(found, {row.id: row.default_language for row in courses}, preferred)
    return [Rate(row.id, texts[row.id][0].title if row.id in texts else row.code, row.done, row.total)
            for row in courses]


def _bucket(column, prefix, count):
    """The index of the month ``column`` falls in (bounds ``prefix_0`` … ``prefix_count``)."""
    return case(*((column < bindparam(f"{prefix}_{index + 1}"), literal(index)) for index in range(count)),
                else_=literal(count)).label("month")


@prepared
def _statement(months, by_group):
    people = select(User.id).where(User.company_id == bindparam("company_id"), User.is_active.is_(True),
                                   *visible_employees())
    if by_group:
        people = people.where(User.id.in_(select(GroupMember.user_id)
                                          .where(GroupMember.group_id == bindparam("group_id"))))
    done = func.sum(case((and_(Enrolment.status == COMPLETED, Enrolment.completed_at < bindparam("period_end")),
                          1), else_=0))
    open_in_period = and_(Enrolment.user_id.in_(people), Enrolment.enrolled_at < bindparam("period_end"),
                          or_(Enrolment.completed_at.is_(None), Enrolment.completed_at >= bindparam("period_start")))
    per_course = (select(Enrolment.course_id, done.label("done"), func.count().label("total"))
                  .where(open_in_period).group_by(Enrolment.course_id).subquery("per_course"))
    courses = (select(Course.id, Course.code, Course.default_language, cast(per_course.c.done, Integer).label("done"),
                      per_course.c.total, Course.id.label("course_id"), CourseTranslation.language,
                      CourseTranslation.title)
               .join(per_course, per_course.c.course_id == Course.id)
               .outerjoin(CourseTranslation, CourseTranslation.course_id == Course.id))
    group_rates = (select(Group.id, Group.name, cast(done, Integer).label("done"), func.count().label("total"))
                   .join(GroupMember, GroupMember.group_id == Group.id)
                   .join(Enrolment, Enrolment.user_id == GroupMember.user_id)
                   .where(Group.company_id == bindparam("company_id"), open_in_period)
                   .group_by(Group.id, Group.name))
    due_month = _bucket(Enrolment.due_at, "past", months)
    overdue = (select(due_month, func.count().label("count"), literal(0).label("total"))
               .where(Enrolment.user_id.in_(people), Enrolment.due_at >= bindparam("past_0"),
                      Enrolment.due_at < bindparam(f"past_{months}"), Enrolment.due_at < bindparam("now"),
                      or_(Enrolment.completed_at.is_(None), Enrolment.completed_at > Enrolment.due_at))
               .group_by(due_month))
    expiry_month = _bucket(Certificate.valid_until, "coming", months)
    expiring = (select(expiry_month, func.count().label("count"), literal(0).label("total"))
                .where(Certificate.user_id.in_(people), Certificate.revoked_at.is_(None),
                       Certificate.superseded_at.is_(None), Certificate.valid_until >= bindparam("coming_0"),
                       Certificate.valid_until < bindparam(f"coming_{months}"))
                .group_by(expiry_month))
    part_month = _bucket(Attendance.part_starts_at, "past", months)
    attendance = (select(part_month, func.sum(case((Attendance.status == ABSENT, 0), else_=1)).label("count"),
                         func.count().label("total"))
                  .where(Attendance.user_id.in_(people), Attendance.status != EXCUSED,
                         Attendance.part_starts_at >= bindparam("past_0"),
                         Attendance.part_starts_at < bindparam(f"past_{months}"))
                  .group_by(part_month))
    groups = select(Group.id, Group.name).where(Group.company_id == bindparam("company_id"))
    return SelectsInOne(
        courses=(courses, [per_course.c.total.desc(), Course.code, Course.id]),
        group_rates=(group_rates, [Group.name, Group.id]),
        overdue=(overdue, [due_month]), expiring=(expiring, [expiry_month]), attendance=(attendance, [part_month]),
        groups=(groups, [Group.name, Group.id]))
