from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional

from oscart.core.forms import BaseForm, choices
from oscart.core.i18n import LANGUAGES
from oscart.core.ids import coerce_id
from oscart.core.security import PASSWORD_MAX_LENGTH
from oscart.privacy.campaigns import KIND_LABELS as CAMPAIGN_KIND_LABELS
from oscart.privacy.requests import KIND_LABELS


class ExportForm(BaseForm):
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=PASSWORD_MAX_LENGTH)])
    code = StringField(_l("Code from your authenticator app"), validators=[Optional(), Length(max=20)])
    submit = SubmitField(_l("Download my data"))


class RequestForm(BaseForm):
    kind = SelectField(_l("What do you ask?"), choices=choices(KIND_LABELS))
    motivation = TextAreaField(_l("Why? Explain your request"), validators=[Length(max=4000)])
    submit = SubmitField(_l("Send request"))


class DecisionForm(BaseForm):
    reason = TextAreaField(_l("Reason (sent to the person)"), validators=[DataRequired(), Length(max=4000)])
    legal_hold = BooleanField(_l("Legal hold: the law obliges us to keep the training records"))
    grant = SubmitField(_l("Grant"))
    refuse = SubmitField(_l("Refuse"))


def _per_language(form_class, fields):
    """Add one field per language (``<name>_<code>``) for each (name, field factory)."""
    for code, language in LANGUAGES.items():
        for name, make in fields:
            setattr(form_class, f"{name}_{code}", make(language))
    return form_class


class PublishForm(BaseForm):
    submit = SubmitField(_l("Publish new version"))


_per_language(PublishForm, [("summary", lambda language: TextAreaField(
    _l("What changed (%(language)s)", language=language), validators=[DataRequired(), Length(max=4000)]))])


class CampaignForm(BaseForm):
    kind = SelectField(_l("Kind"), choices=choices(CAMPAIGN_KIND_LABELS))
    submit = SubmitField(_l("Save draft"))


_per_language(CampaignForm, [
    ("subject", lambda language: StringField(_l("Subject (%(language)s)", language=language),
                                             validators=[Optional(), Length(max=200)])),
    ("body", lambda language: TextAreaField(_l("Text (%(language)s)", language=language),
                                            validators=[Optional(), Length(max=20000)])),
])


class IncidentForm(BaseForm):
    title = StringField(_l("What happened (internal title)"), validators=[DataRequired(), Length(max=200)])
    occurred_at = DateTimeLocalField(_l("When did it happen?"), validators=[DataRequired()],
                                     format="%Y-%m-%dT%H:%M")
    categories = SelectMultipleField(_l("Categories of personal data involved"), validate_choice=False)
    company_ids = SelectMultipleField(_l("Companies affected"), coerce=coerce_id, validate_choice=False)
    user_emails = TextAreaField(_l("People affected (e-mail addresses, one per line)"),
                                validators=[Optional(), Length(max=20000)])
    submit = SubmitField(_l("Record incident"))


_per_language(IncidentForm, [("text", lambda language: TextAreaField(
    _l("Notice to the people affected (%(language)s)", language=language),
    validators=[Optional(), Length(max=8000)]))])
