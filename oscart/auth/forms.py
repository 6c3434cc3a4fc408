from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, StringField, SubmitField
from wtforms.validators import EqualTo

from oscart.core.forms import BaseForm, email_address, max_length, required
from oscart.core.security import PASSWORD_MAX_LENGTH


class LoginForm(BaseForm):
    email = EmailField(_l("E-mail address"), validators=[required(), max_length(254)])
    password = PasswordField(_l("Password"), validators=[required(), max_length(PASSWORD_MAX_LENGTH)])
    remember = BooleanField(_l("Remember me on this device"))
    next = HiddenField()
    submit = SubmitField(_l("Log in"))


class ResetRequestForm(BaseForm):
    email = EmailField(_l("E-mail address"), validators=[required(), max_length(254), email_address()])
    submit = SubmitField(_l("Send reset link"))


class ResetPasswordForm(BaseForm):
    # The minimum length is checked by the service on the NFKC-normalised password.
    password = PasswordField(_l("New password"), validators=[required(), max_length(PASSWORD_MAX_LENGTH)])
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[required(), EqualTo("password", message=_l("The two passwords do not match."))],
    )
    submit = SubmitField(_l("Set new password"))


class TwoStepForm(BaseForm):
    code = StringField(
        _l("Code"), validators=[required(), max_length(40)],
        render_kw={"inputmode": "text", "autocapitalize": "off", "spellcheck": "false"},
    )
    submit = SubmitField(_l("Continue"))


class EnrolForm(BaseForm):
    code = StringField(
        _l("Six-digit code from the app"), validators=[required(), max_length(10)],
        render_kw={"inputmode": "numeric", "pattern": "[0-9 ]*"},
    )
    submit = SubmitField(_l("Turn on two-step authentication"))
