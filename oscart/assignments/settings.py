"""A person's own reminder setting: the reminders that are not essential can be turned off."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from wtforms import BooleanField, SubmitField

from oscart.audit.services import record_event
from oscart.core.extensions import db
from oscart.core.forms import BaseForm

bp = Blueprint("reminders", __name__, url_prefix="/account/reminders")


class ReminderSettingsForm(BaseForm):
    wants_reminders = BooleanField(_l("Send me reminders before due dates, the day before a classroom session, "
                                      "and (for company admins) the weekly overview"))
    submit = SubmitField(_l("Save"))


def set_reminders_opt_out(user, *, opt_out):
    if user.reminders_opt_out != opt_out:
        user.reminders_opt_out = opt_out
        record_event("reminders.turned_off" if opt_out else "reminders.turned_on", actor=user, subject=user)


@bp.route("/", methods=["GET", "POST"])
@login_required
def settings():
    form = ReminderSettingsForm(wants_reminders=not current_user.reminders_opt_out)
    if form.validate_on_submit():
        set_reminders_opt_out(current_user, opt_out=not form.wants_reminders.data)
        db.session.commit()
        flash(_("Your reminder setting has been saved."), "success")
        return redirect(url_for("reminders.settings"))
    return render_template("assignments/reminder_settings.html", form=form)
