"""Demo data of required training: Acme's warehouse, its forklift drivers and office, their rules, and a
required course that is overdue. Get-or-create, so seeding twice changes nothing."""

from datetime import timedelta

from sqlalchemy import select

from oscart.assignments.models import REPEAT_EXPIRY, REPEAT_MONTHS, REPEAT_NEVER, RuleAssignment, TrainingRule
from oscart.assignments.rules import save_rule
from oscart.companies.models import Group, GroupMember, JobRole
from oscart.core.database import utcnow
from oscart.core.extensions import db
from oscart.training.models import COMPLETED, Course, Enrolment

# group name → (kind, members)
GROUPS = {"Magazijn Antwerpen": ("site", ("anna", "pieter")), "Kantoor": ("department", ("sofie",))}
ROLES = {"Heftruckchauffeur": ("pieter",)}
# (course code, group, job role, due within days, repeat mode, repeat months)
RULES = (
    ("SAFE-101", "Magazijn Antwerpen", None, 14, REPEAT_MONTHS, 24),
    ("FORK-201", None, "Heftruckchauffeur", 30, REPEAT_EXPIRY, None),
    ("GDPR-100", "Kantoor", None, 30, REPEAT_NEVER, None),
)


def seed(demo):
    acme, hr = demo.companies["Acme Logistics"], demo.user("hr@acme.example")
    groups = {name: _group(acme, name, kind, [demo.user(f"{who}@acme.example") for who in members])
              for name, (kind, members) in GROUPS.items()}
    roles = {}
    for name, people in ROLES.items():
        roles[name] = _role(acme, name)
        for who in people:
            demo.user(f"{who}@acme.example").job_role_id = roles[name].id
    db.session.flush()
    for code, group, role, days, repeat_mode, months in RULES:
        course_id = db.session.scalar(select(Course.id).where(Course.code == code))
        group_id, role_id = groups[group].id if group else None, roles[role].id if role else None
        if course_id is None or db.session.scalar(select(TrainingRule.id).where(
                TrainingRule.company_id == acme.id, TrainingRule.course_id == course_id)) is not None:
            continue
        save_rule(None, actor=hr, course_id=course_id, group_id=group_id, job_role_id=role_id, due_within_days=days,
                  repeat_mode=repeat_mode, repeat_months=months, is_active=True)
        if code == "FORK-201":  # Pieter let it slip: overdue since five days
            enrolment = db.session.scalar(select(Enrolment).where(
                Enrolment.course_id == course_id, Enrolment.user_id == demo.user("pieter@acme.example").id))
            if enrolment is not None and enrolment.status != COMPLETED:
                enrolment.due_at = utcnow() - timedelta(days=5)
                rows = select(RuleAssignment).where(RuleAssignment.enrolment_id == enrolment.id)
                for row in db.session.scalars(rows):
                    row.due_at = enrolment.due_at


def _group(company, name, kind, members):
    group = db.session.scalar(select(Group).where(Group.company_id == company.id, Group.name == name))
    if group is None:
        group = Group(company_id=company.id, name=name, kind=kind)
        db.session.add(group)
        db.session.flush()
    known = set(db.session.scalars(select(GroupMember.user_id).where(GroupMember.group_id == group.id)))
    db.session.add_all(GroupMember(group_id=group.id, user_id=person.id) for person in members
                       if person.id not in known)
    return group


def _role(company, name):
    role = db.session.scalar(select(JobRole).where(JobRole.company_id == company.id, JobRole.name == name))
    if role is None:
        role = JobRole(company_id=company.id, name=name)
        db.session.add(role)
        db.session.flush()
    return role
