import io

from flask import Blueprint, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_babel import refresh
from flask_login import current_user

from oscart.accounts import photo as photos
from oscart.accounts import services
from oscart.accounts.forms import PasswordForm, PhotoForm, ProfileForm
from oscart.core.exceptions import RuleViolation
from oscart.core.extensions import db
from oscart.core.net import client_ip
from oscart.core.security import require
from oscart.core.uploads import upload_limit

bp = Blueprint("accounts", __name__, url_prefix="/account")


@bp.route("/", methods=["GET", "POST"])
@require("profile.edit")
def profile():
    form = ProfileForm(obj=current_user)
    if form.validate_on_submit():
        try:
            services.update_profile(
                current_user,
                first_name=form.first_name.data,
                last_name=form.last_name.data,
                language=form.language.data,
            )
        except RuleViolation as error:
            form.add_error(error.field, error.message)
        else:
            db.session.commit()
            refresh()  # the message below in the language just chosen
            flash(_("Your profile has been saved."), "success")
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/profile.html", form=form)


@bp.route("/password", methods=["GET", "POST"])
@require("profile.edit")
def password():
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            services.change_password(current_user, current_password=form.current_password.data,
                                     new_password=form.new_password.data, ip=client_ip())
        except RuleViolation as error:
            db.session.commit()  # keep a wrong password's count toward the lockout
            form.add_error(error.field, error.message)
        else:
            db.session.commit()
            flash(_("Your password has been changed. Other sessions have been logged out."), "success")
            return redirect(url_for("accounts.profile"))
    return render_template("accounts/password.html", form=form)


@bp.route("/photo", methods=["GET", "POST"])
@require("profile.edit")
@upload_limit
def photo():
    form = PhotoForm()
    if form.validate_on_submit():
        try:
            # MAX_CONTENT_LENGTH has already refused bodies far over the limit before they were read.
            data = form.photo.data.read(current_app.config["PHOTO_MAX_BYTES"] + 1)
            photos.set_photo(current_user, data, max_bytes=current_app.config["PHOTO_MAX_BYTES"])
        except RuleViolation as error:
            form.add_error(error.field, error.message)
        else:
            db.session.commit()
            flash(_("Your photo has been saved."), "success")
            return redirect(url_for("accounts.photo"))
    return render_template("accounts/photo.html", form=form)


@bp.post("/photo/remove")
@require("profile.edit")
def remove_photo():
    photos.remove_photo(current_user)
    db.session.commit()
    flash(_("Your photo has been removed."), "success")
    return redirect(url_for("accounts.photo"))


@bp.get("/photo/<int:user_id>.jpg")
@require("profile.edit")
def photo_image(user_id):
    """A photo for logged-in people of the same company and for Oscart staff; anyone else gets 404."""
    data, mime, updated_at = photos.get_photo(current_user, user_id)
    response = send_file(io.BytesIO(data), mimetype=mime, last_modified=updated_at, etag=False)
    response.headers["Content-Disposition"] = "inline"
    response.make_conditional(request)
    return response
