"""A company admin's rules of required training: list, save, delete (each applied at once)."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, select

from oscart.accounts.models import User
from oscart.assignments.applying import reconcile
from oscart.assignments.coverage import covered_by_any_rule_clause, eligible_clause
from oscart.assignments.models import REPEAT_MONTHS, RuleAssignment, TrainingRule
from oscart.audit.services import record_event
from oscart.classroom.upcoming import list_open_sessions
from oscart.companies.models import Group, JobRole
from oscart.core.exceptions import NotFound, RuleViolation
from oscart.core.extensions import db
from oscart.training.models import CLASSROOM, COMPLETED, PUBLISHED, Course, Enrolment
from oscart.training.titles import reader_title
from oscart.training.visibility import visible_to_company_clause


def list_rules(actor):
    """Rows of the company's rules with the course title, group and role names, how many people each covers
    (active, not restricted) and how many of its assignments are open; one query."""
    covers = (select(func.count(User.id)).where(covered_by_any_rule_clause(), eligible_clause())
              .correlate(TrainingRule).scalar_subquery())
    open_count = (select(func.count(RuleAssignment.id))
                  .join(Enrolment, Enrolment.id == RuleAssignment.enrolment_id)
                  .where(RuleAssignment.rule_id == TrainingRule.id, Enrolment.status != COMPLETED)
                  .correlate(TrainingRule).scalar_subquery())
    return (select(TrainingRule.id, TrainingRule.due_within_days, TrainingRule.repeat_mode,
                   TrainingRule.repeat_months, TrainingRule.is_active, Course.code,
                   reader_title(Course.id, Course.code, language=actor.language, company_id=actor.company_id)
                   .label("course_title"), Group.name.label("group_name"), JobRole.name.label("job_role_name"),
                   covers.label("covers"), open_count.label("open_count"))
            .join(Course, Course.id == TrainingRule.course_id)
            .outerjoin(Group, Group.id == TrainingRule.group_id)
            .outerjoin(JobRole, JobRole.id == TrainingRule.job_role_id)
            .where(TrainingRule.company_id == actor.company_id)
            .order_by(Course.code, Group.name, JobRole.name, TrainingRule.id))


def describe_rule(actor, rule_id):
    """The row of list_rules of one of the company's rules (NotFound for any other)."""
    found = db.session.execute(list_rules(actor).where(TrainingRule.id == rule_id)).first()
    if found is None:
        raise NotFound()
    return found


def get_rule(actor, rule_id):
    rule = db.session.scalar(select(TrainingRule).where(TrainingRule.id == rule_id,
                                                        TrainingRule.company_id == actor.company_id))
    if rule is None:
        raise NotFound()
    return rule


def rule_courses(actor):
    """(id, code, title) of the published courses visible to the actor's company."""
    return db.session.execute(
        select(Course.id, Course.code, reader_title(Course.id, Course.code, language=actor.language,
                                                    company_id=actor.company_id).label("title"))
        .where(Course.status == PUBLISHED, visible_to_company_clause(actor.company_id))
        .order_by(Course.code)).all()


def waits_for_a_session(actor, course_id):
    """Whether the course is followed only in classroom sessions and none is coming that the actor's company can
    register for (a rule then requires it before anyone can book a seat)."""
    if db.session.scalar(select(Course.format).where(Course.id == course_id)) != CLASSROOM:
        return False
    return db.session.scalar(list_open_sessions(actor, course_id=course_id).limit(1)) is None


def company_groups(actor):
    return db.session.execute(select(Group.id, Group.name).where(Group.company_id == actor.company_id)
                              .order_by(Group.name)).all()


def company_job_roles(actor):
    return db.session.execute(select(JobRole.id, JobRole.name).where(JobRole.company_id == actor.company_id)
                              .order_by(JobRole.name)).all()


def save_rule(rule, *, actor, course_id, group_id, job_role_id, due_within_days, repeat_mode, repeat_months,
              is_active):
    """Create (``rule`` None) or change a rule and apply it at once. A course, group or job role the company
    cannot use is NotFound, as if it did not exist."""
    _check_targets(actor, course_id, group_id, job_role_id)
    if group_id is None and job_role_id is None:
        raise RuleViolation(_l("Choose a group, a job role or both."), "group_id")
    duplicate = select(TrainingRule.id).where(
        TrainingRule.company_id == actor.company_id, TrainingRule.course_id == course_id,
        _same(TrainingRule.group_id, group_id), _same(TrainingRule.job_role_id, job_role_id))
    if rule is not None:
        duplicate = duplicate.where(TrainingRule.id != rule.id)
    if db.session.scalar(duplicate) is not None:
        raise RuleViolation(_l("A rule for this course and these people already exists."), "course_id")
    created = rule is None
    if created:
        rule = TrainingRule(company_id=actor.company_id, created_by_id=actor.id)
        db.session.add(rule)
    rule.course_id, rule.group_id, rule.job_role_id = course_id, group_id, job_role_id
    rule.due_within_days, rule.repeat_mode, rule.is_active = due_within_days, repeat_mode, bool(is_active)
    rule.repeat_months = repeat_months if repeat_mode == REPEAT_MONTHS else None
    db.session.flush()
    record_event("assignment.rule_created" if created else "assignment.rule_changed", actor=actor,
                 company_id=actor.company_id, target=f"rule:{rule.id}", course_id=course_id, group_id=group_id,
                 job_role_id=job_role_id, due_within_days=due_within_days, repeat_mode=repeat_mode,
                 repeat_months=rule.repeat_months, is_active=rule.is_active)
    reconcile(actor.company_id, rule_ids=[rule.id], actor=actor)
    return rule


def delete_rule(rule, *, actor):
    """Delete a rule: its open assignments end, completions and certificates stay."""
    _assigned, ended = reconcile(rule.company_id, rule_ids=[rule.id], actor=actor, ending_rule_ids={rule.id})
    record_event("assignment.rule_deleted", actor=actor, company_id=rule.company_id, target=f"rule:{rule.id}",
                 course_id=rule.course_id, ended=ended)
    db.session.delete(rule)
    db.session.flush()
    return ended


def _same(column, value):
    return column.is_(None) if value is None else column == value


def _check_targets(actor, course_id, group_id, job_role_id):
    checks = [select(Course.id).where(Course.id == course_id, Course.status == PUBLISHED,
                                      visible_to_company_clause(actor.company_id))]
    if group_id is not None:
        checks.append(select(Group.id).where(and_(Group.id == group_id, Group.company_id == actor.company_id)))
    if job_role_id is not None:
        checks.append(select(JobRole.id).where(JobRole.id == job_role_id, JobRole.company_id == actor.company_id))
    if any(db.session.scalar(check) is None for check in checks):
        raise NotFound()
