from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    DateTimeLocalField,
    FieldList,
    FormField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TimeField,
    URLField,
)
from wtforms.validators import URL, DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from oscart.classroom.models import (
    ATTENDANCE_STATUSES,
    STATUS_LABELS,
)
from oscart.core.forms import BaseForm
from oscart.core.i18n import LANGUAGES
from oscart.core.ids import coerce_id
from oscart.core.widgets import QuickWidgets

PART_ROWS = 4


class PartForm(BaseForm):
    class Meta(QuickWidgets):
        csrf = False

    day = DateField(_l("Date"), validators=[Optional()])
    start = TimeField(_l("Start"), validators=[Optional()])
    end = TimeField(_l("End"), validators=[Optional()])


class SessionForm(BaseForm):
    class Meta(QuickWidgets):
        pass

    course_id = SelectField(_l("Course"), coerce=coerce_id, validate_choice=False)
    language = SelectField(_l("Language"), choices=dict(LANGUAGES))
    capacity = IntegerField(_l("Capacity"), default=12, validators=[DataRequired(), NumberRange(min=1, max=500)])
    place = StringField(_l("Place"), validators=[Optional(), Length(max=300)])
    meeting_url = URLField(_l("Meeting link"), validators=[Optional(), URL(), Length(max=500)])
    company_id = SelectField(_l("In-company session for"), coerce=coerce_id, validate_choice=False, default=0)
    trainer_ids = SelectMultipleField(_l("Trainers"), coerce=coerce_id, validate_choice=False,
                                      widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    parts = FieldList(FormField(PartForm), min_entries=PART_ROWS, max_entries=PART_ROWS)
    cancellation_deadline = DateTimeLocalField(_l("Cancellation deadline"), validators=[Optional()])
    submit = SubmitField(_l("Save session"))

    def part_times(self):
        """(day, start, end) of the filled-in part rows; half-filled rows count as errors."""
        filled = []
        for entry in self.parts:
            values = (entry.day.data, entry.start.data, entry.end.data)
            if any(values) and not all(values):
                entry.form.day.errors = [*entry.form.day.errors, _l("Give the date, the start and the end.")]
            elif all(values):
                filled.append(values)
        return filled


class ReviewFilterForm(BaseForm):
    class Meta(QuickWidgets):
        csrf = False

    course = SelectField(_l("Course"), coerce=coerce_id, validate_choice=False, default=0)
    company = SelectField(_l("Company"), coerce=coerce_id, validate_choice=False, default=0)
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("Until"), validators=[Optional()])
    status = SelectField(_l("Status"), default="")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.status.choices = [("", _l("All statuses")), *STATUS_LABELS.items()]


class SheetForm(BaseForm):
    """Only the CSRF token and the walk-in choice; the rows are parsed by ``parse_sheet_rows``."""

    walk_in = SelectMultipleField(_l("Add walk-ins"), coerce=coerce_id, validate_choice=False)


class RosterForm(BaseForm):
    user_ids = SelectMultipleField(_l("Employees"), coerce=coerce_id, validate_choice=False)


def parse_sheet_rows(formdata):
    """Entries for the sheet service from the posted fields ``status-<id>``, ``minutes-<id>``, ... (rows left
    without a status are skipped); returns (entries, errors by field name)."""
    entries, errors = [], {}
    for key in formdata:
        user_id = key.removeprefix("status-")
        if not key.startswith("status-") or not user_id.isdigit() or not formdata.get(key):
            continue
        user_id, status = int(user_id), formdata.get(key)
        raw_minutes = formdata.get(f"minutes-{user_id}", "").strip()
        minutes = None
        if raw_minutes:
            try:
                minutes = int(raw_minutes)
            except ValueError:
                errors[f"minutes-{user_id}"] = _l("Enter a whole number of minutes.")
        raw_version = formdata.get(f"version-{user_id}", "")
        entries.append({"user_id": user_id, "status": status if status in ATTENDANCE_STATUSES else "",
                        "minutes": minutes, "note": formdata.get(f"note-{user_id}", "")[:1000],
                        "version": int(raw_version) if raw_version.isdigit() else None})
    return entries, errors
