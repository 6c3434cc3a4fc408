"""WTForms' standard widgets rendered faster, to the same HTML: a form opts in with ``class Meta(QuickWidgets)``.

WTForms writes each attribute with ``Markup('{k}="{v}"').format(...)``: a string formatter written in Python that
escapes each value again. On a form of thirty fields, or a menu of many options, that is most of the page's time.
``html_params`` below writes the same text with an f-string. It reaches the widgets through public hooks only:
a form's ``Meta.render_field`` (which renders every field and option) and ``Meta.bind_field`` (which gives each
field a ``QuickLabel``), the ``html_params`` attribute of the ``Input`` widgets, ``Select.render_option``, and the
``__call__`` of ``Select``, ``TextArea`` and ``Label`` (rewritten: they call the module function; a menu reads its
options through the fields' public ``iter_choices`` and ``iter_groups``).
Only WTForms' own widget classes are replaced, each by a subclass with the same settings; any other widget
renders as before. tests/test_widgets.py renders every field and label of the forms that opt in both ways,
so a WTForms release that renders differently fails there.
"""

import weakref

from markupsafe import Markup, escape
from wtforms import widgets
from wtforms.fields import Label


def html_params(**kwargs):
    """The text of wtforms.widgets.html_params: attributes sorted by name, ``True`` as the bare name, ``False`` left
    out, ``class_``/``for_`` without the underscore, ``data_``/``aria_`` names with hyphens."""
    params = []
    for key, value in sorted(kwargs.items()):
        key = key.rstrip("_")
        if key.startswith(("data_", "aria_")):
            key = key.replace("_", "-")
        if value is True:
            params.append(str(escape(key)))
        elif value is not False:
            params.append(f'{escape(key)}="{str(escape(value)).replace(chr(34), "&quot;")}"')
    return Markup(" ".join(params))  # noqa: S704 - names and values escaped as WTForms escapes them


class _QuickSelect(widgets.Select):
    def __call__(self, field, **kwargs):
        kwargs.setdefault("id", field.id)
        if self.multiple:
            kwargs["multiple"] = True
        flags = getattr(field, "flags", {})
        for key in dir(flags):
            if key in self.validation_attrs and key not in kwargs:
                kwargs[key] = getattr(flags, key)
        html = [f"<select {html_params(name=field.name, **kwargs)}>"]
        if field.has_groups():
            for group, choices in field.iter_groups():
                if group is not None:
                    html.append(f"<optgroup {html_params(label=group)}>")
                html.extend(self.render_option(choice) for choice in choices)
                if group is not None:
                    html.append("</optgroup>")
        else:
            html.extend(self.render_option(choice) for choice in field.iter_choices())
        html.append("</select>")
        return Markup("".join(html))  # noqa: S704 - every part escaped by html_params and render_option

    @classmethod
    def render_option(cls, choice, **kwargs):
        value = choice.value
        if isinstance(value, bool):
            value = str(value)
        options = {"value": value, **(choice.render_kw or {}), **kwargs}
        if choice.selected:
            options["selected"] = True
        label = escape(choice.label or choice.value)
        return Markup(f"<option {html_params(**options)}>{label}</option>")  # noqa: S704 - escaped


class _QuickTextArea(widgets.TextArea):
    def __call__(self, field, **kwargs):
        kwargs.setdefault("id", field.id)
        flags = getattr(field, "flags", {})
        for key in dir(flags):
            if key in self.validation_attrs and key not in kwargs:
                kwargs[key] = getattr(flags, key)
        text = escape(field._value())
        return Markup(f"<textarea {html_params(name=field.name, **kwargs)}>\r\n{text}</textarea>")  # noqa: S704


class QuickLabel(Label):
    def __call__(self, text=None, **kwargs):
        if "for_" in kwargs:
            kwargs["for"] = kwargs.pop("for_")
        else:
            kwargs.setdefault("for", self.field_id)
        attributes = html_params(**kwargs)
        attributes = f" {attributes}" if attributes else ""
        return Markup(f"<label{attributes}>{escape(text or self.text)}</label>")  # noqa: S704 - escaped


_INPUTS = (widgets.TextInput, widgets.PasswordInput, widgets.HiddenInput, widgets.CheckboxInput, widgets.RadioInput,
           widgets.FileInput, widgets.SubmitInput, widgets.SearchInput, widgets.TelInput, widgets.URLInput,
           widgets.EmailInput, widgets.DateInput, widgets.MonthInput, widgets.WeekInput,
           widgets.TimeInput, widgets.DateTimeLocalInput, widgets.NumberInput, widgets.RangeInput, widgets.ColorInput)
QUICK_CLASSES = {
    **{base: type(base.__name__, (base,), {"html_params": staticmethod(html_params)}) for base in _INPUTS},
    widgets.Select: _QuickSelect, widgets.TextArea: _QuickTextArea,
}
_quick = weakref.WeakKeyDictionary()  # a field class's widget → its quick twin, made once


def quick_widget(widget):
    """The quick twin of one of WTForms' widgets (same class settings and instance attributes), or ``widget``."""
    quick_class = QUICK_CLASSES.get(type(widget))
    if quick_class is None:
        return widget
    quick = _quick.get(widget)
    if quick is None:
        quick = quick_class.__new__(quick_class)
        quick.__dict__.update(vars(widget))
        _quick[widget] = quick
    return quick


class QuickWidgets:
    """A form Meta mixin: fields and select options render through quick_widget(), labels through QuickLabel."""

    def bind_field(self, form, unbound_field, options):
        field = super().bind_field(form, unbound_field, options)
        field.label = QuickLabel(field.label.field_id, field.label.text)
        return field

    def render_field(self, field, render_kw):
        field.widget = quick_widget(field.widget)  # this form's bound field: the field class keeps its widget
        return super().render_field(field, render_kw)
