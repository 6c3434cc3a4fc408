"""Personal data of required training for the privacy registry: the courses rules require of a person, and the
reminders sent to them."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select

from oscart.assignments.models import ReminderSent, RuleAssignment
from oscart.core.extensions import db
from oscart.core.personal_data import eraser, exporter, rows_as_dicts
from oscart.training.models import Course, Enrolment


@exporter("required_training", _l("Required training"),
          _l("The courses your company's rules require of you, with their due dates."))
def export_required_training(user):
    return rows_as_dicts(
        select(RuleAssignment.id, RuleAssignment.rule_id, Course.code.label("course_code"), RuleAssignment.due_at,
               RuleAssignment.assigned_at)
        .join(Enrolment, Enrolment.id == RuleAssignment.enrolment_id)
        .join(Course, Course.id == Enrolment.course_id)
        .where(RuleAssignment.user_id == user.id).order_by(RuleAssignment.id))


@exporter("reminders_sent", _l("Reminders"), _l("The reminders the portal sent you, and when."))
def export_reminders(user):
    return rows_as_dicts(select(ReminderSent.kind, ReminderSent.subject, ReminderSent.period, ReminderSent.sent_at)
                         .where(ReminderSent.user_id == user.id).order_by(ReminderSent.id))


@eraser("required_training")
def erase_required_training(user, *, legal_hold):
    """What rules require of an erased person and the reminders sent to them go; the enrolments stay anonymised
    for the company's statistics like every other course record."""
    removed = db.session.execute(delete(RuleAssignment).where(RuleAssignment.user_id == user.id)).rowcount
    return removed + db.session.execute(delete(ReminderSent).where(ReminderSent.user_id == user.id)).rowcount
