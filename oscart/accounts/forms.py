from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import EqualTo

from oscart.forms import BaseForm, choices, max_length, required
from oscart.i18n import LANGUAGES
from oscart.security import PASSWORD_MAX_LENGTH


class ProfileForm(BaseForm):
    first_name = StringField(_l("First name"), validators=[required(), max_length(100)])
    last_name = StringField(_l("Last name"), validators=[required(), max_length(100)])
    language = SelectField(_l("Language"), choices=choices(LANGUAGES.items()))
    submit = SubmitField(_l("Save profile"))


class PasswordForm(BaseForm):
    current_password = PasswordField(
        _l("Current password"), validators=[required(), max_length(PASSWORD_MAX_LENGTH)]
    )
    # The minimum length is checked by the service on the NFKC-normalised password.
    new_password = PasswordField(_l("New password"), validators=[required(), max_length(PASSWORD_MAX_LENGTH)])
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[required(), EqualTo("new_password", message=_l("The two passwords do not match."))],
    )
    submit = SubmitField(_l("Change password"))
