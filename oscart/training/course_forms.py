"""The course screen's form: the course's settings and, per language, its title, summary, description and
objectives (``title_nl``, ``summary_fr``...), posted together."""

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.fields.core import UnboundField
from wtforms.validators import Length, Optional

from oscart.core.i18n import LANGUAGE_LABELS, translated_labels
from oscart.core.widgets import QuickWidgets
from oscart.training.forms import CourseForm, options
from oscart.training.models import FORMAT_LABELS, RULE_LABELS

TEXT_FIELDS = ("title", "summary", "description", "objectives")
SETTINGS = ("code", "format", "duration_hours", "validity_months", "completion_rule", "default_language",
            "is_global", "company_ids")


class _ScreenFields(CourseForm):
    class Meta(QuickWidgets):
        pass

    version = HiddenField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Labels and menu texts as plain strings translated once per language (translated_labels): a lazy string is
        # translated again at every use, and this form shows some forty of them.
        labels = translated_labels(_LABELS)
        for field in self:
            if field.name in labels:
                field.label.text = labels[field.name]
        for field, texts in ((self.format, FORMAT_LABELS), (self.completion_rule, RULE_LABELS),
                             (self.default_language, LANGUAGE_LABELS)):
            field.choices = options(translated_labels(texts).items())

    def validate(self, extra_validators=None):
        """Besides each field's own checks: the default language has a title, and a language with any text has
        one too, so that an error shows next to the language it belongs to."""
        valid = super().validate(extra_validators)
        for code in LANGUAGE_LABELS:
            title = self[f"title_{code}"]
            if (title.data or "").strip() or title.errors:
                continue
            if code == self.default_language.data:
                title.errors = [*title.errors, _l("Give the course a title in its default language.")]
                valid = False
            elif any((self[f"{name}_{code}"].data or "").strip() for name in TEXT_FIELDS[1:]):
                title.errors = [*title.errors, _l("Give these texts a title too, or empty every field of this "
                                                  "language to remove its texts.")]
                valid = False
        return valid

    def settings(self):
        return {name: self[name].data for name in SETTINGS}

    def texts(self):
        """{language: {field: text}} as typed."""
        return {code: {name: self[f"{name}_{code}"].data or "" for name in TEXT_FIELDS} for code in LANGUAGE_LABELS}


def _course_screen_form():
    fields = {}
    for code in LANGUAGE_LABELS:
        fields[f"title_{code}"] = StringField(_l("Title"), validators=[Optional(), Length(max=200)])
        fields[f"summary_{code}"] = TextAreaField(_l("Summary"), validators=[Optional(), Length(max=2000)])
        fields[f"description_{code}"] = TextAreaField(_l("Description"), validators=[Optional(), Length(max=20_000)])
        fields[f"objectives_{code}"] = TextAreaField(_l("Objectives (one per line)"),
                                                     validators=[Optional(), Length(max=4000)])
    return type("CourseScreenForm", (_ScreenFields,), fields)


CourseScreenForm = _course_screen_form()
_LABELS = {name: field.args[0] for name in dir(CourseScreenForm)
           if isinstance(field := getattr(CourseScreenForm, name), UnboundField) and field.args}


def screen_data(course, translations, company_ids):
    """The form's values for a stored course (``translations``: {language: CourseTranslation})."""
    data = {name: getattr(course, name) for name in SETTINGS if name != "company_ids"}
    data["company_ids"], data["version"] = company_ids, str(course.version)
    for code, translation in translations.items():
        for name in TEXT_FIELDS:
            data[f"{name}_{code}"] = getattr(translation, name)
    return data
