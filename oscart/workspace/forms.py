from flask_babel import lazy_gettext as _l
from wtforms import SelectField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import Optional
from wtforms.widgets import CheckboxInput, ListWidget

from oscart.companies.groups import NAME_LENGTH
from oscart.companies.models import GROUP_KINDS
from oscart.core.forms import BaseForm, choices, email_address, max_length, required
from oscart.core.ids import coerce_id
from oscart.workspace.people import NUMBER_LENGTH

KIND_LABELS = {"department": _l("Department"), "site": _l("Site"), "team": _l("Team")}
assert set(KIND_LABELS) == set(GROUP_KINDS)


class GroupForm(BaseForm):
    name = StringField(_l("Name"), validators=[required(), max_length(NAME_LENGTH)])
    kind = SelectField(_l("Kind"), choices=choices(KIND_LABELS))
    submit = SubmitField(_l("Save"))


class JobRoleForm(BaseForm):
    name = StringField(_l("Name"), validators=[required(), max_length(NAME_LENGTH)])
    submit = SubmitField(_l("Save"))


def _optional_id(value):
    return coerce_id(value) if value not in (None, "") else None


class CheckboxList(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class PersonForm(BaseForm):
    employee_number = StringField(_l("Employee number"), validators=[Optional(), max_length(NUMBER_LENGTH)])
    job_role_id = SelectField(_l("Job role"), coerce=_optional_id, validate_choice=True)
    manager_email = StringField(_l("Manager's e-mail address"),
                                validators=[Optional(), email_address(), max_length(254)])
    group_ids = CheckboxList(_l("Groups"), coerce=coerce_id)
    submit = SubmitField(_l("Save"))

    def set_choices(self, job_roles, groups):
        self.job_role_id.choices = choices([("", _l("No job role")), *((row.id, row.name) for row in job_roles)])
        self.group_ids.choices = choices([(row.id, row.name) for row in groups])


class AddMembersForm(BaseForm):
    addresses = TextAreaField(_l("E-mail addresses"), validators=[required()], render_kw={"rows": 3})
    submit = SubmitField(_l("Add to the group"))
