from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, Length, Optional

from oscart.forms import BaseForm, choices
from oscart.i18n import LANGUAGES
from oscart.security import ROLE_LABELS


class CompanyForm(BaseForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    vat_number = StringField(_l("VAT number"), validators=[Optional(), Length(max=30)])
    default_language = SelectField(_l("Default language"), choices=choices(LANGUAGES))
    is_active = BooleanField(_l("Active"), default=True)
    submit = SubmitField(_l("Save company"))


class UserForm(BaseForm):
    email = EmailField(
        _l("E-mail address"), validators=[DataRequired(), Length(max=254), Email(check_deliverability=False)]
    )
    first_name = StringField(_l("First name"), validators=[DataRequired(), Length(max=100)])
    last_name = StringField(_l("Last name"), validators=[DataRequired(), Length(max=100)])
    role = SelectField(_l("Role"), choices=choices(ROLE_LABELS))
    company_id = SelectField(_l("Company"), coerce=int, validate_choice=False)
    language = SelectField(_l("Language"), choices=choices(LANGUAGES))
    is_active = BooleanField(_l("Active (may sign in)"), default=True)
    submit = SubmitField(_l("Save user"))

    def set_companies(self, companies):
        self.company_id.choices = choices([(0, _l("— none (Oscart staff) —"))] + [(c.id, c.name) for c in companies])


class UserFilterForm(BaseForm):
    class Meta:
        csrf = False

    q = StringField(_l("Search"), validators=[Optional(), Length(max=100)])
    company = SelectField(_l("Company"), coerce=int, validate_choice=False, default=0)
    role = SelectField(_l("Role"), choices=choices([("", _l("All roles")), *ROLE_LABELS.items()]), default="")
