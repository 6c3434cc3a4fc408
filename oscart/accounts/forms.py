from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import EqualTo

from oscart.core.forms import BaseForm, choices, max_length, required
from oscart.core.i18n import LANGUAGES
from oscart.core.security import PASSWORD_MAX_LENGTH


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


class ConfirmPasswordForm(BaseForm):
    password = PasswordField(_l("Your password"), validators=[required(), max_length(PASSWORD_MAX_LENGTH)])
    submit = SubmitField(_l("Continue"))


class DisableTwoStepForm(BaseForm):
    password = PasswordField(_l("Your password"), validators=[required(), max_length(PASSWORD_MAX_LENGTH)])
    code = StringField(_l("Code from the app, or a recovery code"), validators=[required(), max_length(40)])
    submit = SubmitField(_l("Turn off two-step authentication"))


class PhotoForm(BaseForm):
    photo = FileField(_l("Photo"), validators=[FileRequired(_l("Choose a photo to upload."))])
    submit = SubmitField(_l("Upload photo"))
