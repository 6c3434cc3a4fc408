from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, EmailField, IntegerField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from oscart.certificates.models import STATUS_LABELS
from oscart.core.forms import BaseForm, choices
from oscart.core.ids import coerce_id


class CompanyFilterForm(BaseForm):
    class Meta:
        csrf = False

    # The course menu is rendered by the template from services.company_courses(): only the id is read here.
    course = SelectField(_l("Course"), coerce=coerce_id, validate_choice=False, default=0)
    # One employee, chosen by id (links from elsewhere); q searches them by name, e-mail or number instead of
    # a menu of thousands of names.
    employee = SelectField(_l("Employee"), coerce=coerce_id, validate_choice=False, default=0)
    q = StringField(_l("Employee"), validators=[Optional(), Length(max=100)])
    date_from = DateField(_l("Completed from"), validators=[Optional()])
    date_to = DateField(_l("Completed until"), validators=[Optional()])
    status = SelectField(_l("Status"), default="",
                         choices=choices([("", _l("All statuses")), *STATUS_LABELS.items()]))
    within = IntegerField(_l("Expiring within (days)"), default=30, validators=[Optional(), NumberRange(1, 730)])


class AdminFilterForm(BaseForm):
    class Meta:
        csrf = False

    q = StringField(_l("Code, name or course"), validators=[Optional(), Length(max=100)])
    status = SelectField(_l("Status"), default="",
                         choices=choices([("", _l("All statuses")), *STATUS_LABELS.items()]))


class RefresherForm(BaseForm):
    due_on = DateField(_l("Complete the refresher by"), validators=[DataRequired()])


class ReasonForm(BaseForm):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=500)])


class ManualIssueForm(BaseForm):
    email = EmailField(_l("E-mail address of the trainee"),
                       validators=[DataRequired(), Length(max=254), Email(check_deliverability=False)])
    course = SelectField(_l("Course"), coerce=coerce_id, validate_choice=False)
    started_on = DateField(_l("First day (optional)"), validators=[Optional()])
    completed_on = DateField(_l("Completed on"), validators=[DataRequired()])
    place = StringField(_l("Place (optional)"), validators=[Optional(), Length(max=200)])
    trainer_name = StringField(_l("Trainer (optional)"), validators=[Optional(), Length(max=200)])
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=500)])
    submit = SubmitField(_l("Issue certificate"))


class VerifyCodeForm(BaseForm):
    class Meta:
        csrf = False

    code = StringField(_l("Verification code"), validators=[DataRequired(), Length(max=40)])


class VerifyUploadForm(BaseForm):
    file = FileField(_l("Certificate PDF"), validators=[FileRequired()], render_kw={"accept": "application/pdf,.pdf"})
