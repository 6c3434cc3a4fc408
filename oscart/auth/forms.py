from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from oscart.forms import BaseForm
from oscart.security import PASSWORD_MAX_LENGTH


class LoginForm(BaseForm):
    email = EmailField(_l("E-mail address"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=PASSWORD_MAX_LENGTH)])
    remember = BooleanField(_l("Remember me on this device"))
    next = HiddenField()
    submit = SubmitField(_l("Log in"))


class ResetRequestForm(BaseForm):
    email = EmailField(
        _l("E-mail address"), validators=[DataRequired(), Length(max=254), Email(check_deliverability=False)]
    )
    submit = SubmitField(_l("Send reset link"))


class ResetPasswordForm(BaseForm):
    password = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(min=12, max=PASSWORD_MAX_LENGTH)]
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The two passwords do not match."))],
    )
    submit = SubmitField(_l("Set new password"))


class TwoStepForm(BaseForm):
    code = StringField(
        _l("Code"), validators=[DataRequired(), Length(max=40)],
        render_kw={"inputmode": "text", "autocapitalize": "off", "spellcheck": "false"},
    )
    submit = SubmitField(_l("Continue"))


class EnrolForm(BaseForm):
    code = StringField(
        _l("Six-digit code from the app"), validators=[DataRequired(), Length(max=10)],
        render_kw={"inputmode": "numeric", "pattern": "[0-9 ]*"},
    )
    submit = SubmitField(_l("Turn on two-step authentication"))
