"""Factories for required training: groups, job roles, members and rules."""

from oscart.assignments.rules import save_rule
from oscart.companies.models import Group, GroupMember, JobRole
from oscart.core.extensions import db


def make_group(company, name="Warehouse"):
    group = Group(company_id=company.id, name=name)
    db.session.add(group)
    db.session.commit()
    return group


def make_job_role(company, name="Driver"):
    role = JobRole(company_id=company.id, name=name)
    db.session.add(role)
    db.session.commit()
    return role


def add_member(group, *people):
    for person in people:
        db.session.add(GroupMember(group_id=group.id, user_id=person.id))
    db.session.commit()


def make_rule(admin, course, *, group=None, job_role=None, due_within_days=30, repeat_mode="never",
              repeat_months=None, is_active=True):
    rule = save_rule(None, actor=admin, course_id=course.id, group_id=group.id if group else None,
                     job_role_id=job_role.id if job_role else None, due_within_days=due_within_days,
                     repeat_mode=repeat_mode, repeat_months=repeat_months, is_active=is_active)
    db.session.commit()
    return rule
