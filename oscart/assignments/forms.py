from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from wtforms import BooleanField, IntegerField, SelectField, SubmitField
from wtforms.validators import InputRequired, NumberRange, Optional

from oscart.assignments.models import REPEAT_EXPIRY, REPEAT_MONTHS, REPEAT_NEVER
from oscart.companies.services import MAX_REMINDER_DAYS
from oscart.core.forms import BaseForm, choices
from oscart.core.ids import coerce_id

REPEAT_LABELS = {REPEAT_NEVER: _l("Once"), REPEAT_MONTHS: _l("Again every few months"),
                 REPEAT_EXPIRY: _l("Again when the certificate expires")}
MAX_DUE_DAYS = 3650
MAX_REPEAT_MONTHS = 120


def optional_id(value):
    """An id, or None for the empty choice ("any")."""
    return None if value in ("", None, "None") else coerce_id(value)


class RuleForm(BaseForm):
    # Ids are checked by the service against the company (a foreign id is 404), not against the choices.
    course_id = SelectField(_l("Course"), coerce=coerce_id, validate_choice=False,
                            validators=[InputRequired(_l("Choose a course."))])
    group_id = SelectField(_l("Group"), coerce=optional_id, validate_choice=False)
    job_role_id = SelectField(_l("Job role"), coerce=optional_id, validate_choice=False)
    due_within_days = IntegerField(_l("Due within (days after joining)"), default=30, validators=[
        InputRequired(_l("Please fill in this field.")),
        NumberRange(1, MAX_DUE_DAYS, lazy_ngettext("Enter a number of days from 1 to %(num)d.",
                                                   "Enter a number of days from 1 to %(num)d.", MAX_DUE_DAYS))])
    repeat_mode = SelectField(_l("Repeat"), choices=choices(REPEAT_LABELS), default=REPEAT_NEVER)
    repeat_months = IntegerField(_l("Every (months)"), validators=[
        Optional(), NumberRange(1, MAX_REPEAT_MONTHS, lazy_ngettext("Enter a number of months from 1 to %(num)d.",
                                                                    "Enter a number of months from 1 to %(num)d.",
                                                                    MAX_REPEAT_MONTHS))])
    is_active = BooleanField(_l("Active: assign the course to the people the rule covers"), default=True)
    submit = SubmitField(_l("Save rule"))

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if self.repeat_mode.data == REPEAT_MONTHS and self.repeat_months.data is None and not self.repeat_months.errors:
            self.repeat_months.errors = [_l("Enter after how many months the course is followed again.")]
            valid = False
        return valid


class ReminderDaysForm(BaseForm):
    # The range is the service's rule (companies.services.set_reminder_days); its error lands on this field.
    days = IntegerField(_l("Days before the due date"), validators=[InputRequired(_l("Please fill in this field."))],
                        render_kw={"min": 0, "max": MAX_REMINDER_DAYS})
    submit = SubmitField(_l("Save"))
