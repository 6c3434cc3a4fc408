from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, SelectField, StringField, SubmitField
from wtforms.validators import Optional

from oscart.core.forms import BaseForm, choices, email_address, max_length, required
from oscart.core.i18n import LANGUAGES
from oscart.core.ids import coerce_id
from oscart.core.security import ROLE_LABELS


class CompanyForm(BaseForm):
    name = StringField(_l("Name"), validators=[required(), max_length(200)])
    vat_number = StringField(_l("VAT number"), validators=[Optional(), max_length(30)])
    default_language = SelectField(_l("Default language"), choices=choices(LANGUAGES.items()))
    is_active = BooleanField(_l("Active"), default=True)
    submit = SubmitField(_l("Save company"))


class UserForm(BaseForm):
    email = EmailField(_l("E-mail address"), validators=[required(), max_length(254), email_address()])
    first_name = StringField(_l("First name"), validators=[required(), max_length(100)])
    last_name = StringField(_l("Last name"), validators=[required(), max_length(100)])
    role = SelectField(_l("Role"), choices=choices(ROLE_LABELS.items()))
    company_id = SelectField(_l("Company"), coerce=coerce_id, validate_choice=False)
    language = SelectField(_l("Language"), choices=choices(LANGUAGES.items()))
    is_active = BooleanField(_l("Active (may sign in)"), default=True)
    submit = SubmitField(_l("Save user"))

    def set_companies(self, companies):
        self.company_id.choices = choices([(0, _l("— none (Oscart staff) —"))] + [(c.id, c.name) for c in companies])


class UserFilterForm(BaseForm):
    class Meta:
        csrf = False

    q = StringField(_l("Search"), validators=[Optional(), max_length(100)])
    company = SelectField(_l("Company"), coerce=coerce_id, validate_choice=False, default=0)
    role = SelectField(_l("Role"), choices=choices([("", _l("All roles")), *ROLE_LABELS.items()]), default="")
