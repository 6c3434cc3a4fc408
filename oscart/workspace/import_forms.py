"""Forms of the people import: the file, then which column fills which field."""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import RadioField, SelectField, SubmitField
from wtforms.fields.choices import SelectChoice

from oscart.core.forms import BaseForm
from oscart.workspace.import_columns import FIELDS

INVITE_CHOICES = {
    "now": _l("Invite the new people now: each receives the invitation mail in their language"),
    "later": _l("Invite them later: the accounts are made without a mail"),
}


class UploadForm(BaseForm):
    file = FileField(_l("File (CSV or Excel .xlsx, at most 10 MB)"),
                     validators=[FileRequired(_l("Choose a file to upload."))],
                     render_kw={"accept": ".csv,.txt,.xlsx,text/csv,application/vnd.openxmlformats-officedocument"
                                          ".spreadsheetml.sheet"})
    submit = SubmitField(_l("Upload and continue"))


class ConfirmForm(BaseForm):
    submit = SubmitField(_l("Import"))


def mapping_form(upload, **kwargs):
    """A form with one choice of column per field, filled with the chosen (or guessed) columns."""
    options = [SelectChoice("", _l("— not in the file —"))] + [
        SelectChoice(str(index), name or _l("Column %(number)d", number=index + 1))
        for index, name in enumerate(upload.header)]

    class MappingForm(BaseForm):
        invite = RadioField(_l("Invitations"), choices=[SelectChoice(key, label)
                                                        for key, label in INVITE_CHOICES.items()])
        submit = SubmitField(_l("Show the preview"))

    for name, label in FIELDS.items():
        setattr(MappingForm, name, SelectField(label, choices=options, validate_choice=True))
    mapping = upload.mapping or {}
    defaults = {name: str(mapping[name]) if name in mapping else "" for name in FIELDS}
    return MappingForm(**defaults, invite="now" if upload.invite_now else "later", **kwargs)


def chosen_mapping(form):
    return {name: int(getattr(form, name).data) if getattr(form, name).data else None for name in FIELDS}
