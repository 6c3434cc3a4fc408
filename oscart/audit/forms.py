from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectField, StringField
from wtforms.validators import Length, Optional

from oscart.core.forms import BaseForm
from oscart.core.ids import coerce_id
from oscart.core.widgets import QuickWidgets


class AuditFilterForm(BaseForm):
    class Meta(QuickWidgets):
        csrf = False

    person = StringField(_l("Person (e-mail address)"), validators=[Optional(), Length(max=100)])
    action = SelectField(_l("Action"), validate_choice=False, default="")
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("Until"), validators=[Optional()])
    company = SelectField(_l("Company"), coerce=coerce_id, validate_choice=False, default=0)
