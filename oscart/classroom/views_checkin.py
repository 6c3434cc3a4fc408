"""Self check-in pages: the trainer's rotating QR code of a part, and the trainee's page that a scan opens."""

import segno
from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from oscart.classroom import access, checkin, sessions
from oscart.classroom.blueprint import bp
from oscart.core.exceptions import RuleViolation
from oscart.core.extensions import db
from oscart.core.forms import BaseForm
from oscart.core.security import require
from oscart.core.urls import external_url
from oscart.training.titles import titles_for


def _title(training_session):
    return titles_for(current_user, [training_session.course_id]).get(training_session.course_id, "")


@bp.get("/parts/<int:part_id>/check-in-code")
@require("classroom.teach")
def check_in_code(part_id):
    training_session, part = sessions.get_part(part_id, actor=current_user)
    access.check_teaches(training_session, current_user)
    url = qr = None
    if checkin.is_open(part):
        url = external_url("classroom.check_in", part_id=part.id, code=checkin.current_code(part))
        qr = segno.make(url, error="m").svg_inline(scale=6, border=2)
    return render_template("classroom/check_in_code.html", session=training_session, part=part, url=url, qr=qr,
                           title=_title(training_session), seconds=checkin.CODE_SECONDS)


@bp.route("/check-in/<int:part_id>/<code>", methods=["GET", "POST"])
@require("training.follow")
def check_in(part_id, code):
    training_session, part = sessions.get_part(part_id, actor=current_user)
    form = BaseForm()
    if form.validate_on_submit():
        try:
            marked = checkin.check_in(training_session, part, current_user, code)
        except RuleViolation as error:
            db.session.rollback()
            flash(str(error.message), "error")
        else:
            db.session.commit()
            flash(_("You are checked in. Welcome!") if marked else _("You were already marked for this part."),
                  "success")
            return redirect(url_for("classroom.session", session_id=training_session.id))
    return render_template("classroom/check_in.html", session=training_session, part=part, form=form,
                           title=_title(training_session))
