"""The next round of required training: a rule that repeats every M months, or when the certificate expires,
reopens the completed enrolment N days (the rule's ``due_within_days``) before that date, due on that date."""

from datetime import timedelta

from sqlalchemy import func, select

from oscart.accounts.models import User
from oscart.assignments.applying import end_of_day, reopen
from oscart.assignments.coverage import eligible_clause
from oscart.assignments.models import REPEAT_EXPIRY, REPEAT_MONTHS, RuleAssignment, TrainingRule
from oscart.audit.services import record_events
from oscart.certificates import dates
from oscart.certificates.models import Certificate
from oscart.core import local_time
from oscart.core.extensions import db
from oscart.core.locking import unclaimed
from oscart.training.models import COMPLETED, Enrolment


def start_next_rounds(*, today=None):
    """Reopen every completed enrolment whose next round has come; returns how many. Several workers may run it at
    once: each enrolment goes to one (rows locked, SKIP LOCKED on PostgreSQL), and a reopened one is no longer
    completed."""
    today = today or local_time.today()
    query = (select(Enrolment, TrainingRule)
             .join(RuleAssignment, RuleAssignment.enrolment_id == Enrolment.id)
             .join(TrainingRule, TrainingRule.id == RuleAssignment.rule_id)
             .join(User, User.id == Enrolment.user_id)
             .where(Enrolment.status == COMPLETED, TrainingRule.is_active.is_(True),
                    TrainingRule.repeat_mode.in_((REPEAT_MONTHS, REPEAT_EXPIRY)), eligible_clause())
             .order_by(Enrolment.id, TrainingRule.id))
    found = db.session.execute(unclaimed(query, of=Enrolment)).all()
    expiry = _valid_until({(e.user_id, e.course_id) for e, rule in found if rule.repeat_mode == REPEAT_EXPIRY})
    due = {}
    for enrolment, rule in found:
        round_ends = _round_ends(enrolment, rule, expiry)
        if round_ends is None or round_ends - timedelta(days=rule.due_within_days) > today:
            continue
        # Due at the end of the period; one that has passed already (a new rule, old completions) gives the
        # rule's days from today.
        due_on = round_ends if round_ends >= today else today + timedelta(days=rule.due_within_days)
        if enrolment.id not in due or due[enrolment.id][1] > due_on:
            due[enrolment.id] = (enrolment, due_on, rule)
    events = []
    for enrolment, due_on, rule in due.values():
        completed_on = local_time.local_date(enrolment.completed_at)
        reopen(enrolment, end_of_day(due_on))
        events.append({"action": "assignment.renewed", "actor_id": None, "subject_id": enrolment.user_id,
                       "company_id": rule.company_id, "target": f"course:{rule.course_id}",
                       "details": {"rule_id": rule.id, "completed_on": completed_on.isoformat() if completed_on
                                   else None, "due_on": due_on.isoformat()}})
    if due:
        rows = db.session.scalars(select(RuleAssignment).where(RuleAssignment.enrolment_id.in_(due))).all()
        for row in rows:
            row.due_at = end_of_day(due[row.enrolment_id][1])
    db.session.flush()
    record_events(events)
    return len(due)


def _round_ends(enrolment, rule, expiry):
    if rule.repeat_mode == REPEAT_MONTHS:
        completed_on = local_time.local_date(enrolment.completed_at)
        return dates.add_months(completed_on, rule.repeat_months) if completed_on else None
    return expiry.get((enrolment.user_id, enrolment.course_id))


def _valid_until(pairs):
    """{(user id, course id): last day of the current certificate} for certificates that expire; one query."""
    if not pairs:
        return {}
    users = {user_id for user_id, _course_id in pairs}
    rows = db.session.execute(select(Certificate.user_id, Certificate.course_id, func.max(Certificate.valid_until))
                              .where(Certificate.user_id.in_(users), Certificate.revoked_at.is_(None),
                                     Certificate.superseded_at.is_(None), Certificate.valid_until.is_not(None))
                              .group_by(Certificate.user_id, Certificate.course_id)).all()
    return {(user_id, course_id): day for user_id, course_id, day in rows if (user_id, course_id) in pairs}
