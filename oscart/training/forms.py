from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from oscart.core.forms import BaseForm
from oscart.core.i18n import LANGUAGE_LABELS
from oscart.core.ids import coerce_id
from oscart.core.widgets import QuickWidgets
from oscart.training.media_models import FILE_LABELS
from oscart.training.models import FORMAT_LABELS, LESSON_KIND_LABELS, RULE_LABELS
from oscart.training.quiz_models import MAX_CHOICES


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


class DuplicateForm(BaseForm):
    class Meta(QuickWidgets):
        pass

    code = StringField(_l("Code of the copy"), validators=[DataRequired(), Length(max=30)])
    company_id = SelectField(_l("For company"), validate_choice=False)
    submit = SubmitField(_l("Duplicate course"))


class LessonForm(BaseForm):
    version = HiddenField()  # lessons.lesson_version() of the text the editor loaded
    title = StringField(_l("Lesson title"), validators=[DataRequired(), Length(max=200)])
    body_source = TextAreaField(_l("Text (Markdown)"), validators=[Optional(), Length(max=100_000)])
    submit = SubmitField(_l("Save lesson"))
    preview = SubmitField(_l("Preview"))


class NewLessonForm(BaseForm):
    title = StringField(_l("Lesson title"), validators=[DataRequired(), Length(max=200)])
    kind = RadioField(_l("Kind of lesson"), choices=options(LESSON_KIND_LABELS.items()), default="text")


class LessonFileForm(BaseForm):
    role = SelectField(_l("Kind of file"), choices=options(FILE_LABELS.items()))
    file = FileField(_l("File"))
    submit = SubmitField(_l("Upload file"))


class ImageForm(BaseForm):
    image = FileField(_l("Image (PNG, JPEG, GIF or WebP)"))
    submit = SubmitField(_l("Upload image"))


class QuizSettingsForm(BaseForm):
    pass_percent = IntegerField(_l("Pass mark (%)"), validators=[InputRequired(), NumberRange(min=1, max=100)])
    max_attempts = IntegerField(_l("Attempts allowed"), validators=[InputRequired(), NumberRange(min=1, max=20)])
    draw_count = IntegerField(_l("Questions per attempt"), validators=[Optional(), NumberRange(min=1, max=200)])
    wait_minutes = IntegerField(_l("Waiting time between attempts (minutes)"), default=0,
                                validators=[InputRequired(), NumberRange(min=0, max=10080)])
    is_answers_shown = BooleanField(_l("After an attempt, show the right answers"))
    submit = SubmitField(_l("Save settings"))


KIND_LABELS = {"single": _l("Single choice (one correct answer)"),
               "multiple": _l("Multiple choice (every correct answer must be chosen)"),
               "true_false": _l("True or false")}


class _QuestionFields(BaseForm):
    class Meta(QuickWidgets):
        pass

    kind = RadioField(_l("Type of question"), choices=options(KIND_LABELS.items()), default="single")
    version = HiddenField()
    correct = SelectMultipleField(_l("Correct answers"), choices=options(
        [(str(n), str(n + 1)) for n in range(MAX_CHOICES)]), validate_choice=False)
    truth = RadioField(_l("The statement is"), choices=options([("0", _l("True")), ("1", _l("False"))]),
                       validators=[Optional()])
    submit = SubmitField(_l("Save question"))


def _question_form():
    """Per language a text, an explanation and MAX_CHOICES answers (``text_nl``, ``answer_nl_1``...)."""
    fields = {}
    for code in LANGUAGE_LABELS:
        fields[f"text_{code}"] = TextAreaField(_l("Question"), validators=[Optional(), Length(max=2000)])
        fields[f"explanation_{code}"] = TextAreaField(_l("Explanation (shown after answering)"),
                                                      validators=[Optional(), Length(max=2000)])
        for number in range(1, MAX_CHOICES + 1):
            fields[f"answer_{code}_{number}"] = StringField(_l("Answer %(number)s", number=number),
                                                            validators=[Optional(), Length(max=500)])
    return type("QuestionForm", (_QuestionFields,), fields)


QuestionForm = _question_form()


class NewsForm(BaseForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    body_source = TextAreaField(_l("Text (Markdown)"), validators=[Optional(), Length(max=20_000)])
    is_pinned = BooleanField(_l("Pin as welcome text"))
    submit = SubmitField(_l("Save"))


class AssignForm(BaseForm):
    """The people are the check boxes of one page of a search, or everyone the search finds."""

    class Meta(QuickWidgets):
        pass

    course_id = SelectField(_l("Course"), coerce=coerce_id, validate_choice=False)
    user_ids = SelectMultipleField(_l("Employees"), coerce=coerce_id, validate_choice=False)
    everyone = BooleanField(_l("Everyone the search finds"))
    due_date = DateField(_l("Due date"), validators=[Optional()])
    submit = SubmitField(_l("Assign course"))

    def validate_user_ids(self, field):
        if not field.data and not self.everyone.data:
            raise ValidationError(_l("Choose at least one employee."))
