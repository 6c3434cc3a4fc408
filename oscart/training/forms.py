from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from oscart.core.forms import BaseForm
from oscart.core.i18n import LANGUAGE_LABELS
from oscart.core.ids import coerce_id
from oscart.training.models import FORMAT_LABELS, RULE_LABELS


def options(pairs):
    """WTForms choices from (value, label) pairs (tuples are deprecated in WTForms 3.3)."""
    return [SelectChoice(value, label) for value, label in pairs]


class CatalogueFilterForm(BaseForm):
    class Meta:
        csrf = False

    q = StringField(_l("Search"), validators=[Optional(), Length(max=100)])
    format = SelectField(_l("Format"), choices=options([("", _l("All formats")), *FORMAT_LABELS.items()]), default="")
    language = SelectField(_l("Language"), choices=options([("", _l("All languages")), *LANGUAGE_LABELS.items()]),
                           default="")


class CourseForm(BaseForm):
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=30)])
    format = SelectField(_l("Format"), choices=options(FORMAT_LABELS.items()))
    duration_hours = DecimalField(_l("Duration (hours)"), places=1,
                                  validators=[InputRequired(), NumberRange(min=0.1, max=999)])
    validity_months = IntegerField(_l("Certificate valid for (months)"),
                                   validators=[Optional(), NumberRange(min=1, max=240)])
    completion_rule = SelectField(_l("Completion rule"), choices=options(RULE_LABELS.items()))
    default_language = SelectField(_l("Default language"), choices=options(LANGUAGE_LABELS.items()))
    is_global = BooleanField(_l("In the global catalogue (every company sees it)"), default=True)
    company_ids = SelectMultipleField(_l("Only for these companies"), coerce=coerce_id, validate_choice=False)
    submit = SubmitField(_l("Save course"))


class TranslationForm(BaseForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    summary = TextAreaField(_l("Summary"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Save texts"))


class LessonForm(BaseForm):
    title = StringField(_l("Lesson title"), validators=[DataRequired(), Length(max=200)])
    body_source = TextAreaField(_l("Text (Markdown)"), validators=[Optional(), Length(max=100_000)])
    submit = SubmitField(_l("Save lesson"))


class ImageForm(BaseForm):
    image = FileField(_l("Image (PNG, JPEG, GIF or WebP)"))
    submit = SubmitField(_l("Upload image"))


class QuizSettingsForm(BaseForm):
    pass_percent = IntegerField(_l("Pass mark (%)"), validators=[InputRequired(), NumberRange(min=1, max=100)])
    max_attempts = IntegerField(_l("Attempts allowed"), validators=[InputRequired(), NumberRange(min=1, max=20)])
    submit = SubmitField(_l("Save settings"))


class QuestionForm(BaseForm):
    language = SelectField(_l("Language"), choices=options(LANGUAGE_LABELS.items()))
    text = TextAreaField(_l("Question"), validators=[DataRequired(), Length(max=2000)])
    choice_1 = StringField(_l("Answer 1"), validators=[Optional(), Length(max=500)])
    choice_2 = StringField(_l("Answer 2"), validators=[Optional(), Length(max=500)])
    choice_3 = StringField(_l("Answer 3"), validators=[Optional(), Length(max=500)])
    choice_4 = StringField(_l("Answer 4"), validators=[Optional(), Length(max=500)])
    correct = RadioField(_l("Correct answer"), choices=options([("0", "1"), ("1", "2"), ("2", "3"), ("3", "4")]),
                         default="0")
    submit = SubmitField(_l("Add question"))


class NewsForm(BaseForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    body_source = TextAreaField(_l("Text (Markdown)"), validators=[Optional(), Length(max=20_000)])
    is_pinned = BooleanField(_l("Pin as welcome text"))
    submit = SubmitField(_l("Save"))


class AssignForm(BaseForm):
    course_id = SelectField(_l("Course"), coerce=coerce_id, validate_choice=False)
    user_ids = SelectMultipleField(_l("Employees"), coerce=coerce_id, validate_choice=False,
                                   validators=[DataRequired(_l("Choose at least one employee."))])
    due_date = DateField(_l("Due date"), validators=[Optional()])
    submit = SubmitField(_l("Assign course"))
