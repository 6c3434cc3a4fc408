"""Signing the sign-in sheet on the trainer's tablet: one trainee at a time, back to the sheet afterwards."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import HiddenField

from oscart.classroom import signatures
from oscart.classroom.attendance import SheetConflict
from oscart.classroom.blueprint import bp
from oscart.core.exceptions import RuleViolation
from oscart.core.extensions import db
from oscart.core.forms import BaseForm
from oscart.core.security import require
from oscart.training.titles import titles_for


class SignatureForm(BaseForm):
    signature = HiddenField()
    version = HiddenField()


@bp.route("/parts/<int:part_id>/sign/<int:user_id>", methods=["GET", "POST"])
@require("classroom.teach")
def sign(part_id, user_id):
    training_session, part, trainee, row = signatures.load_signer(part_id, user_id, actor=current_user)
    form, status = SignatureForm(), 200
    if form.validate_on_submit():
        version = int(form.version.data) if (form.version.data or "").isdigit() else None
        try:
            signatures.sign_attendance(part_id, user_id, form.signature.data, actor=current_user, version=version)
        except (RuleViolation, SheetConflict) as error:
            db.session.rollback()
            form.add_error(None, error.message)
            status = 409 if isinstance(error, SheetConflict) else 400
            training_session, part, trainee, row = signatures.load_signer(part_id, user_id, actor=current_user)
        else:
            db.session.commit()
            flash(_("%(name)s has signed.", name=f"{trainee.first_name} {trainee.last_name}"), "success")
            return redirect(url_for("classroom.attendance_sheet", part_id=part_id, _anchor=f"row-{user_id}"))
    form.version.data = row.version if row else ""
    title = titles_for(current_user, [training_session.course_id]).get(training_session.course_id, "")
    return render_template("classroom/sign.html", session=training_session, part=part, trainee=trainee, row=row,
                           form=form, title=title), status
