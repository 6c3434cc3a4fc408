from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import EqualTo

from oscart.core.forms import BaseForm, choices, max_length, required
from oscart.core.i18n import LANGUAGES
from oscart.core.security import PASSWORD_MAX_LENGTH

TWO_STEP_POLICIES = {
    "none": _l("Optional for everyone"),
    "admins": _l("Required for company admins"),
    "all": _l("Required for everyone in the company"),
}


class TwoStepPolicyForm(BaseForm):
    policy = RadioField(_l("Two-step authentication"),
                        choices=[SelectChoice(key, label) for key, label in TWO_STEP_POLICIES.items()])
    submit = SubmitField(_l("Save"))


class InviteForm(BaseForm):
    # The addresses are read, checked and counted by the service (oscart.companies.invitations).
    addresses = TextAreaField(_l("E-mail addresses"), validators=[required(), max_length(20000)],
                              render_kw={"rows": 5, "autocomplete": "off", "spellcheck": "false"})
    language = SelectField(_l("Language of the invitation and the account"), choices=choices(LANGUAGES))
    submit = SubmitField(_l("Send invitations"))


class AcceptInvitationForm(BaseForm):
    first_name = StringField(_l("First name"), validators=[required(), max_length(100)])
    last_name = StringField(_l("Last name"), validators=[required(), max_length(100)])
    language = SelectField(_l("Language"), choices=choices(LANGUAGES))
    # The minimum length is checked by the service on the NFKC-normalised password.
    password = PasswordField(_l("Password"), validators=[required(), max_length(PASSWORD_MAX_LENGTH)])
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[required(), EqualTo("password", message=_l("The two passwords do not match."))],
    )
    submit = SubmitField(_l("Create my account"))
