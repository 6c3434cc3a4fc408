"""The quick widgets (oscart.core.widgets) render exactly what WTForms' own widgets render."""

from datetime import date, datetime, time
from decimal import Decimal

import pytest
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from werkzeug.datastructures import MultiDict
from wtforms import fields
from wtforms.fields import Label
from wtforms.fields.choices import SelectChoice
from wtforms.meta import DefaultMeta
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from oscart.classroom.forms import ReviewFilterForm, SessionForm
from oscart.core.forms import BaseForm
from oscart.core.widgets import QUICK_CLASSES, QuickLabel, QuickWidgets, html_params, quick_widget
from oscart.training.course_forms import CourseScreenForm
from oscart.training.forms import AssignForm, DuplicateForm, QuestionForm


class EveryWidget(BaseForm):
    class Meta(QuickWidgets):
        csrf = False

    text = fields.StringField(_l("Name"), validators=[DataRequired(), Length(min=2, max=20)])
    password = fields.PasswordField("Password", render_kw={"autocomplete": "new-password"})
    shown_password = fields.PasswordField("Shown", widget=fields.PasswordField.widget.__class__(hide_value=False))
    hidden = fields.HiddenField()
    check = fields.BooleanField("Check")
    radio = fields.RadioField("Radio", choices=[SelectChoice("a", "A & B"), SelectChoice("b", Markup("<b>B</b>"))])
    upload = fields.FileField("File")
    submit = fields.SubmitField(_l("Save"))
    search = fields.SearchField("Search")
    phone = fields.TelField("Phone")
    link = fields.URLField("Link")
    email = fields.EmailField("E-mail")
    day = fields.DateField("Day")
    month = fields.MonthField("Month")
    week = fields.WeekField("Week")
    hour = fields.TimeField("Hour")
    local = fields.DateTimeLocalField("Local")
    number = fields.IntegerField("Number", validators=[Optional(), NumberRange(min=1, max=500)])
    amount = fields.DecimalField("Amount", places=1)
    slider = fields.IntegerRangeField("Slider")
    colour = fields.ColorField("Colour")
    area = fields.TextAreaField("Area", validators=[Length(max=2000)])
    menu = fields.SelectField("Menu", choices=[SelectChoice("", "—"), SelectChoice("1", 'One "1"'),
                                               SelectChoice("2", "Two", render_kw={"disabled": True}),
                                               SelectChoice(True, "Yes")])
    grouped = fields.SelectField("Grouped", choices=[SelectChoice("x", "X", optgroup="Group <1>"),
                                                     SelectChoice("y", "Y", optgroup="Group 2")])
    several = fields.SelectMultipleField("Several", choices=[SelectChoice("1", "One"), SelectChoice("2", "Two")])


FORM_DATA = MultiDict([("text", 'He said "hi" & <left>'), ("password", "secret"), ("shown_password", "shown"),
                       ("hidden", "7"), ("check", "y"), ("radio", "b"), ("search", "x"), ("phone", "+32"),
                       ("link", "https://example.com/?a=1&b=2"), ("email", "a@example.com"),
                       ("day", "2026-12-05"), ("month", "2026-12"),
                       ("hour", "09:30"), ("local", "2026-12-05T10:00"), ("number", "600"), ("amount", "1.5"),
                       ("slider", "3"), ("colour", "#ff0000"), ("area", "line 1\r\n<line 2>"), ("menu", "1"),
                       ("grouped", "y"), ("several", "2")])
RENDER_KW = [{}, {"class_": "wide", "aria_describedby": "a-hint a-error", "aria-invalid": "true"},
             {"data_role_name": 'say "x"', "required": True, "disabled": False, "placeholder": _l("Search")},
             {"value": Markup('<i class="x">v</i>'), "for_": "other"}]


def _bound_fields(form):
    for field in form:
        yield field
        if isinstance(field, fields.FieldList):
            for entry in field:
                yield from _bound_fields(entry.form)
        elif isinstance(field, fields.FormField):
            yield from _bound_fields(field.form)
        elif isinstance(field, fields.SelectFieldBase):
            yield from field  # its options, radio buttons or check boxes, each its own field


def _both(field, render_kw):
    """(WTForms' rendering, the form's own); the form's leaves the field with its quick widget."""
    original = field.widget
    expected = DefaultMeta.render_field(field.meta, field, dict(render_kw))
    actual = field.meta.render_field(field, dict(render_kw))
    quick, field.widget = field.widget, original
    return expected, actual, quick is not original


@pytest.mark.parametrize("form_class", [EveryWidget, ReviewFilterForm, SessionForm, QuestionForm, CourseScreenForm,
                                        DuplicateForm, AssignForm])
@pytest.mark.parametrize("data", [None, FORM_DATA], ids=["empty", "filled"])
def test_quick_widgets_render_what_wtforms_renders(app, form_class, data):
    with app.test_request_context("/"):
        form = form_class(formdata=data, meta={"csrf": False})
        form.validate()  # errors and coerced data, as a posted form has them
        for name in ("course", "company", "course_id", "company_id", "company_ids"):
            if name in form._fields:
                form[name].choices = [(0, "All"), (3, "Acme & Sons"), (5, 'The "Best"')]
        if "trainer_ids" in form._fields:
            form.trainer_ids.choices = [(1, "Ann"), (2, "Bo <B>")]
        compared = labels = 0
        for field in _bound_fields(form):
            for render_kw in RENDER_KW:
                expected, actual, is_quick = _both(field, render_kw)
                assert actual == expected, (field.name, render_kw)
                assert type(actual) is Markup
                compared += is_quick
                if isinstance(field.label, QuickLabel):
                    label = Label(field.label.field_id, field.label.text)
                    assert field.label(**render_kw) == label(**render_kw), (field.name, render_kw)
                    assert field.label(_l("Other <text>")) == label(_l("Other <text>"))
                    labels += 1
        assert compared >= 4 * (len(form._fields) - 2)  # all but a list of check boxes and a list of parts
        assert labels >= 4 * len(form._fields)


def test_every_standard_widget_has_a_quick_twin_and_others_are_left_alone():
    class Own(fields.StringField.widget.__class__):
        pass

    own = Own()
    assert quick_widget(own) is own
    assert set(QUICK_CLASSES) >= {type(field_class.widget) for field_class in
                                  (fields.StringField, fields.TextAreaField, fields.SelectField, fields.DateField)}


def test_html_params_writes_what_wtforms_writes():
    from wtforms.widgets import html_params as wtforms_html_params

    values = {"id": "x", "class_": 'a "b" & c', "data_x_y": 1, "aria_label": _l("Name"), "checked": True,
              "readonly": False, "value": Markup('<b class="k">'), "step": Decimal("0.1"),
              "min": date(2026, 1, 1), "max": datetime(2026, 1, 1, 10), "at": time(9)}
    assert html_params(**values) == wtforms_html_params(**values)
    assert html_params() == wtforms_html_params() == Markup("")
