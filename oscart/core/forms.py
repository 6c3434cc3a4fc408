"""Base form and validators with our own translated messages.

WTForms' built-in messages are translated too (Flask-WTF loads WTForms' catalogues for the current
locale), so a validator without ``message=`` still speaks the user's language; these helpers give the
portal's own wording.
"""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length

BAD_CHARACTERS = ("\x00", "\ufffd")


def required():
    return DataRequired(message=_l("Please fill in this field."))


def max_length(count):
    return Length(max=count, message=lazy_ngettext("Use at most %(num)d character.", "Use at most %(num)d characters.",
                                                   count))


def email_address():
    return Email(check_deliverability=False, message=_l("Enter a valid e-mail address, such as name@example.com."))


def choices(pairs):
    """SelectField choices from (value, label) pairs or a dict; WTForms 3.3 deprecates plain tuples."""
    items = pairs.items() if isinstance(pairs, dict) else pairs
    return [SelectChoice(value, label) for value, label in items]


class BaseForm(FlaskForm):
    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        for field in self:
            text = field.data if isinstance(field, StringField | TextAreaField) else None
            if isinstance(text, str) and any(ch in text for ch in BAD_CHARACTERS):
                field.errors = [*field.errors, _l("This field contains characters that are not allowed.")]
                valid = False
        return valid

    def add_error(self, field_name, message):
        """Attach a service's RuleViolation to its field (or to the form as a whole)."""
        field = getattr(self, field_name, None) if field_name else None
        if field is None:
            self.form_errors.append(message)
        else:
            field.errors = [*field.errors, message]
