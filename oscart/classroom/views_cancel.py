"""Cancelling: a trainee's own registration (after a page that says what happens with the seat), and a whole
session by its trainer or a platform admin (every registrant is told)."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from oscart.classroom import access, changes, registrations, sessions
from oscart.classroom.blueprint import bp
from oscart.classroom.models import CANCELLED
from oscart.core.database import utcnow
from oscart.core.exceptions import RuleViolation
from oscart.core.extensions import db
from oscart.core.forms import BaseForm
from oscart.core.security import require
from oscart.training.titles import titles_for


def _title(training_session):
    return titles_for(current_user, [training_session.course_id]).get(training_session.course_id, "")


@bp.get("/sessions/<int:session_id>/cancellation")
@require("training.follow")
def confirm_cancel(session_id):
    training_session = access.get_session(session_id, actor=current_user)
    mine = registrations.find_registration(session_id, current_user.id)
    if mine is None or mine.status == CANCELLED:
        return redirect(url_for("classroom.session", session_id=session_id))
    _registered, waitlisted = sessions.counts(session_id)
    return render_template("classroom/cancel.html", session=training_session, mine=mine, waitlisted=waitlisted,
                           title=_title(training_session), now=utcnow(),
                           parts=sessions.session_parts(session_id))


@bp.route("/sessions/<int:session_id>/call-off", methods=["GET", "POST"])
@require("classroom.plan")
def cancel_session(session_id):
    training_session = access.get_session(session_id, actor=current_user)
    access.check_teaches(training_session, current_user)
    form = BaseForm()
    if form.validate_on_submit():
        try:
            told = changes.cancel_session(training_session, actor=current_user)
        except RuleViolation as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            db.session.commit()
            flash(ngettext("The session has been cancelled. %(num)s person has been told by e-mail.",
                           "The session has been cancelled. %(num)s people have been told by e-mail.", told),
                  "success")
        return redirect(url_for("classroom.session", session_id=session_id))
    registered, waitlisted = sessions.counts(session_id)
    return render_template("classroom/cancel_session.html", session=training_session, form=form,
                           registered=registered, waitlisted=waitlisted, title=_title(training_session),
                           now=utcnow(), parts=sessions.session_parts(session_id),
                           heading=_("Cancel this session"))
