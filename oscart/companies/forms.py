from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SubmitField
from wtforms.fields.choices import SelectChoice

from oscart.forms import BaseForm

TWO_STEP_POLICIES = {
    "none": _l("Optional for everyone"),
    "admins": _l("Required for company admins"),
    "all": _l("Required for everyone in the company"),
}


class TwoStepPolicyForm(BaseForm):
    policy = RadioField(_l("Two-step authentication"),
                        choices=[SelectChoice(key, label) for key, label in TWO_STEP_POLICIES.items()])
    submit = SubmitField(_l("Save"))
