"""Rules at work: assignments for the people a rule covers, ended when it no longer covers them.

``reconcile`` makes the rows of RuleAssignment match who the rules cover now. It runs when a rule is saved or
deleted and when a company's people change (``people_changed``: joined, groups or job role changed, deactivated
or reactivated). A person who is deactivated, restricted or erased gets no new assignment; one who leaves the
group or role loses the open assignments the rule made, while completions and certificates stay.
"""

from collections import defaultdict
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, delete, select

from oscart.accounts.models import User
from oscart.assignments.coverage import covered_by_any_rule_clause, eligible_clause
from oscart.assignments.models import RuleAssignment, TrainingRule
from oscart.audit.services import record_events
from oscart.core import local_time
from oscart.core.database import utcnow
from oscart.core.extensions import db
from oscart.core.signals import people_changed
from oscart.core.urls import external_url
from oscart.mail.services import mail_user
from oscart.training.models import COMPLETED, IN_PROGRESS, PUBLISHED, Course, Enrolment, LessonProgress
from oscart.training.visibility import visible_to_company_clause


def due_at_after(days, today=None):
    """The end of the Brussels day ``days`` days from today: a due date means that whole day."""
    return end_of_day((today or local_time.today()) + timedelta(days=days))


def end_of_day(day):
    return local_time.end_of_day(day)


@people_changed.connect
def _people_changed(company_id, *, user_ids=(), actor=None, **_details):
    if company_id is not None and user_ids:
        reconcile(company_id, user_ids=list(user_ids), actor=actor)


def reconcile(company_id, *, actor=None, rule_ids=None, user_ids=None, ending_rule_ids=()):
    """Assign what the company's rules (or ``rule_ids``) require of their people (or ``user_ids``) and end what
    they no longer require; ``ending_rule_ids``: rules about to be deleted (all their assignments end).
    Returns (assigned, ended) counts. Flushes, never commits."""
    rules_query = select(TrainingRule).where(TrainingRule.company_id == company_id)
    if rule_ids is not None:
        rules_query = rules_query.where(TrainingRule.id.in_(rule_ids))
    rules = {rule.id: rule for rule in db.session.scalars(rules_query)}
    orphans = 0
    if user_ids is not None:  # rows whose rule went with its group or job role
        orphans = end_assignments(db.session.scalars(select(RuleAssignment).where(
            RuleAssignment.rule_id.is_(None), RuleAssignment.user_id.in_(user_ids))).all(),
            actor=actor, company_id=company_id)
    if not rules:
        return 0, orphans
    covered = _covered_pairs(rules, user_ids)
    existing_query = (select(RuleAssignment, Enrolment.course_id)
                      .join(Enrolment, Enrolment.id == RuleAssignment.enrolment_id)
                      .where(RuleAssignment.rule_id.in_(rules)))
    if user_ids is not None:
        existing_query = existing_query.where(RuleAssignment.user_id.in_(user_ids))
    existing = {}
    ending = []
    for row, course_id in db.session.execute(existing_query).all():
        rule = rules[row.rule_id]
        if rule.id in ending_rule_ids or (row.rule_id, row.user_id) not in covered or course_id != rule.course_id:
            ending.append(row)
        else:
            existing[(row.rule_id, row.user_id)] = row
    ended = end_assignments(ending, actor=actor, company_id=company_id)
    usable = _usable_courses(company_id, {rule.course_id for rule in rules.values()})
    wanted = defaultdict(list)
    for (rule_id, user_id), is_eligible in covered.items():
        rule = rules[rule_id]
        if (is_eligible and rule.is_active and rule.id not in ending_rule_ids and rule.course_id in usable
                and (rule_id, user_id) not in existing):
            wanted[rule_id].append(user_id)
    assigned = sum(_assign(rules[rule_id], user_ids, actor=actor) for rule_id, user_ids in wanted.items())
    return assigned, ended + orphans


def _covered_pairs(rules, user_ids):
    """{(rule id, user id): eligible} for every person a rule covers; one query."""
    query = (select(TrainingRule.id, User.id, case((eligible_clause(), True), else_=False))
             .select_from(TrainingRule).join(User, covered_by_any_rule_clause())
             .where(TrainingRule.id.in_(rules)))
    if user_ids is not None:
        query = query.where(User.id.in_(user_ids))
    return {(rule_id, user_id): bool(eligible) for rule_id, user_id, eligible in db.session.execute(query)}


def _usable_courses(company_id, course_ids):
    """The courses among ``course_ids`` that are published and visible to the company."""
    return set(db.session.scalars(select(Course.id).where(
        Course.id.in_(course_ids), Course.status == PUBLISHED, visible_to_company_clause(company_id))))


def _assign(rule, user_ids, *, actor):
    """Require the rule's course of ``user_ids`` (get-or-create their enrolments); returns how many."""
    due_at = due_at_after(rule.due_within_days)
    enrolments = {e.user_id: e for e in db.session.scalars(select(Enrolment).where(
        Enrolment.course_id == rule.course_id, Enrolment.user_id.in_(user_ids)))}
    made = set()
    for user_id in user_ids:
        if user_id not in enrolments:
            enrolments[user_id] = Enrolment(user_id=user_id, course_id=rule.course_id, due_at=due_at)
            db.session.add(enrolments[user_id])
            made.add(user_id)
    db.session.flush()
    events, newly_due = [], []
    for user_id in user_ids:
        enrolment = enrolments[user_id]
        open_round = enrolment.status != COMPLETED
        if open_round and (enrolment.due_at is None or enrolment.due_at > due_at):
            enrolment.due_at = due_at
        db.session.add(RuleAssignment(rule_id=rule.id, user_id=user_id, enrolment_id=enrolment.id,
                                      due_at=due_at if open_round else None, made_enrolment=user_id in made))
        events.append(_event("assignment.assigned", rule, user_id, actor,
                             due_at=due_at.isoformat() if open_round else None))
        if open_round:
            newly_due.append(enrolment)
    db.session.flush()
    record_events(events)
    _mail_assigned(rule, newly_due)
    return len(user_ids)


def _mail_assigned(rule, enrolments):
    if not enrolments:
        return
    people = db.session.scalars(select(User).where(User.id.in_([e.user_id for e in enrolments]),
                                                   eligible_clause())).all()
    code = db.session.scalar(select(Course.code).where(Course.id == rule.course_id))
    link = external_url("training.course", course_id=rule.course_id)
    due = {e.user_id: e.due_at for e in enrolments}
    for person in people:
        mail_user(person, "training_assigned", _l("A course has been assigned to you"), link=link,
                  due_at=due[person.id], course_code=code)


def end_assignments(rows, *, actor, company_id):
    """End the assignments ``rows`` (RuleAssignment): open enrolments lose the due date the rule gave them (or
    go, when the rule made them and nothing was done yet); completions stay. Returns how many ended."""
    if not rows:
        return 0
    enrolment_ids = {row.enrolment_id for row in rows}
    ending_ids = {row.id for row in rows}
    enrolments = {e.id: e for e in db.session.scalars(select(Enrolment).where(Enrolment.id.in_(enrolment_ids)))}
    remaining = defaultdict(list)
    for other in db.session.scalars(select(RuleAssignment).where(RuleAssignment.enrolment_id.in_(enrolment_ids),
                                                                 RuleAssignment.id.not_in(ending_ids))):
        remaining[other.enrolment_id].append(other)
    events = [{"action": "assignment.ended", "actor_id": actor.id if actor is not None else None,
               "subject_id": row.user_id, "company_id": company_id,
               "target": f"course:{enrolments[row.enrolment_id].course_id}", "details": {"rule_id": row.rule_id}}
              for row in rows]
    made = {row.enrolment_id for row in rows if row.made_enrolment}
    db.session.execute(delete(RuleAssignment).where(RuleAssignment.id.in_(ending_ids)))
    for enrolment_id, enrolment in enrolments.items():
        if enrolment.status == COMPLETED:
            continue
        others = [other.due_at for other in remaining[enrolment_id] if other.due_at is not None]
        if others:
            enrolment.due_at = min(others)
        elif enrolment.assigned_by_id is None and not remaining[enrolment_id]:
            if enrolment_id in made and enrolment.progress_percent == 0 and enrolment.last_lesson_id is None:
                db.session.delete(enrolment)
            else:
                enrolment.due_at = None
    db.session.flush()
    record_events(events)
    return len(rows)


def _event(action, rule, user_id, actor, **details):
    return {"action": action, "actor_id": actor.id if actor is not None else None, "subject_id": user_id,
            "company_id": rule.company_id, "target": f"course:{rule.course_id}",
            "details": {"rule_id": rule.id, **details}}


def end_orphans():
    """End the assignments whose rule is gone (deleted with its group or job role); returns how many."""
    found = db.session.execute(select(RuleAssignment, User.company_id).join(User, User.id == RuleAssignment.user_id)
                               .where(RuleAssignment.rule_id.is_(None))).all()
    per_company = defaultdict(list)
    for row, company_id in found:
        per_company[company_id].append(row)
    return sum(end_assignments(rows, actor=None, company_id=company_id) for company_id, rows in per_company.items())


def reopen(enrolment, due_at):
    """Start the next round of a completed enrolment, due by ``due_at``: its lessons are followed again, and the
    last completion stays on its certificate."""
    db.session.execute(delete(LessonProgress).where(LessonProgress.enrolment_id == enrolment.id))
    enrolment.status, enrolment.progress_percent = IN_PROGRESS, 0
    enrolment.completed_at, enrolment.last_lesson_id = None, None
    enrolment.enrolled_at, enrolment.due_at = utcnow(), due_at

