"""Who a rule covers, as SQL conditions on User: the people of its group and/or job role, in its company."""

from sqlalchemy import and_, exists, or_

from oscart.accounts.models import User
from oscart.assignments.models import TrainingRule
from oscart.companies.models import GroupMember


def eligible_clause():
    """People who may get new assignments and reminders: active, not deactivated, restricted or erased."""
    return and_(User.is_active.is_(True), User.deactivated_at.is_(None), User.is_restricted.is_(False),
                User.is_anonymised.is_(False))


def covered_clause(rule):
    """SQL condition on User: the rule ``rule`` (a row) covers the person."""
    conditions = [User.company_id == rule.company_id]
    if rule.group_id is not None:
        conditions.append(exists().where(GroupMember.group_id == rule.group_id, GroupMember.user_id == User.id))
    if rule.job_role_id is not None:
        conditions.append(User.job_role_id == rule.job_role_id)
    return and_(*conditions)


def covered_by_any_rule_clause():
    """SQL condition on User and TrainingRule (joined or correlated): the rule covers the person."""
    in_group = (exists().where(GroupMember.group_id == TrainingRule.group_id, GroupMember.user_id == User.id)
                .correlate_except(GroupMember))
    return and_(User.company_id == TrainingRule.company_id,
                or_(TrainingRule.group_id.is_(None), in_group),
                or_(TrainingRule.job_role_id.is_(None), User.job_role_id == TrainingRule.job_role_id))
