"""The report's figures computed from the enrolment, certificate and attendance rows themselves (what
figures.load_report reads from the kept counts): the definition the counts are checked against."""

from sqlalchemy import Integer, and_, bindparam, case, cast, func, literal, or_, select

from oscart.accounts.models import User
from oscart.certificates.models import Certificate
from oscart.classroom.models import ABSENT, EXCUSED, Attendance
from oscart.companies.models import Group, GroupMember
from oscart.companies.services import visible_employees
from oscart.core.database import SelectsInOne, prepared, utcnow
from oscart.reports.figures import bucket, build_report, report_params
from oscart.training.models import COMPLETED, Course, Enrolment
from oscart.training.titles import reader_title


def load_report(actor, preferred, filters, *, now=None):
    params, past, coming = report_params(actor, preferred, filters, now or utcnow())
    if filters.group_id is not None:
        params["group_id"] = filters.group_id
    return build_report(_statement(filters.months, filters.group_id is not None).rows(params), past, coming)


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
    courses = (select(Course.id, Course.code, cast(per_course.c.done, Integer).label("done"), per_course.c.total,
                      reader_title(Course.id).label("title"))
               .join(per_course, per_course.c.course_id == Course.id))
    group_rates = (select(Group.id, Group.name, cast(done, Integer).label("done"), func.count().label("total"))
                   .join(GroupMember, GroupMember.group_id == Group.id)
                   .join(Enrolment, Enrolment.user_id == GroupMember.user_id)
                   .where(Group.company_id == bindparam("company_id"), open_in_period)
                   .group_by(Group.id, Group.name))
    due_month = bucket(Enrolment.due_at, "past", months)
    overdue = (select(due_month, func.count().label("count"), literal(0).label("total"))
               .where(Enrolment.user_id.in_(people), Enrolment.due_at >= bindparam("past_0"),
                      Enrolment.due_at < bindparam(f"past_{months}"), Enrolment.due_at < bindparam("now"),
                      or_(Enrolment.completed_at.is_(None), Enrolment.completed_at > Enrolment.due_at))
               .group_by(due_month))
    expiry_month = bucket(Certificate.valid_until, "coming", months)
    expiring = (select(expiry_month, func.count().label("count"), literal(0).label("total"))
                .where(Certificate.user_id.in_(people), Certificate.revoked_at.is_(None),
                       Certificate.superseded_at.is_(None), Certificate.valid_until >= bindparam("coming_0"),
                       Certificate.valid_until < bindparam(f"coming_{months}"))
                .group_by(expiry_month))
    part_month = bucket(Attendance.part_starts_at, "past", months)
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
