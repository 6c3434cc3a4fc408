"""The trainee's dashboard block "Required of you": open courses with a due date, and why (a rule of the
company, or the admin who assigned it). Read as a part of the dashboard's one statement."""

from sqlalchemy import and_, bindparam, case, select
from sqlalchemy.orm import aliased

from oscart.accounts.models import User
from oscart.assignments.models import RuleAssignment, TrainingRule
from oscart.companies.models import Group, JobRole
from oscart.core.dashboard import add_part
from oscart.training.models import COMPLETED, Enrolment
from oscart.training.titles import reader_title

SHOWN = 20  # rows (a course required by two rules is two rows)


def required_part():
    assigner = aliased(User)
    statement = (select(Enrolment.id.label("enrolment_id"), Enrolment.course_id, Enrolment.due_at,
                        reader_title(Enrolment.course_id).label("title"), Group.name.label("group_name"),
                        JobRole.name.label("job_role_name"), assigner.first_name.label("assigner_first_name"),
                        assigner.last_name.label("assigner_last_name"), TrainingRule.id.label("rule_id"),
                        case((Enrolment.due_at < bindparam("now"), 1), else_=0).label("is_overdue"))
                 .outerjoin(RuleAssignment, RuleAssignment.enrolment_id == Enrolment.id)
                 .outerjoin(TrainingRule, TrainingRule.id == RuleAssignment.rule_id)
                 .outerjoin(Group, Group.id == TrainingRule.group_id)
                 .outerjoin(JobRole, JobRole.id == TrainingRule.job_role_id)
                 .outerjoin(assigner, and_(assigner.id == Enrolment.assigned_by_id, RuleAssignment.id.is_(None)))
                 .where(Enrolment.user_id == bindparam("user_id"), Enrolment.status != COMPLETED,
                        Enrolment.due_at.is_not(None))
                 .limit(SHOWN))
    return statement, (Enrolment.due_at, Enrolment.id, TrainingRule.id)


add_part("required", required_part)
