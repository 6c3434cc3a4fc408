"""The company's logo on printed documents (the sign-in sheets of its in-company sessions), set by its admins.

The upload is refused on its header's numbers, decoded, fitted within LOGO_BOX and written as a fresh PNG
(``oscart.core.images``): no metadata, no markup, nothing of the uploaded file but its pixels.
"""

import base64

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.file import FileField, FileRequired
from wtforms import SubmitField

from oscart.accounts.photo import MARKUP_RE
from oscart.audit.services import record_event
from oscart.companies import services
from oscart.core.database import utcnow
from oscart.core.exceptions import RuleViolation
from oscart.core.extensions import db
from oscart.core.forms import BaseForm
from oscart.core.images import ImageRules, take_in_image
from oscart.core.security import require
from oscart.core.uploads import upload_limit
from oscart.workspace.blueprint import bp

LOGO_BOX = (800, 300)
NOT_AN_IMAGE = _l("This file is not a PNG, JPEG or WebP image.")
LOGO_RULES = ImageRules(formats=("PNG", "JPEG", "WEBP"), refused=NOT_AN_IMAGE, max_side=8000, max_pixels=24_000_000,
                        max_aspect=10)


class LogoForm(BaseForm):
    logo = FileField(_l("Logo"), validators=[FileRequired(_l("Choose an image to upload."))])
    submit = SubmitField(_l("Upload logo"))


def set_logo(company, data, *, actor, max_bytes):
    """Replace the company's logo with a PNG made from ``data`` (the uploaded bytes)."""
    if len(data) > max_bytes:
        raise RuleViolation(_l("The image is larger than %(size)s MB.", size=max_bytes // (1024 * 1024)), "logo")
    if MARKUP_RE.search(data):
        raise RuleViolation(NOT_AN_IMAGE, "logo")
    company.logo = take_in_image(data, LOGO_RULES, field="logo", fit_within=LOGO_BOX, output="PNG").data
    company.logo_updated_at = utcnow()
    record_event("company.logo_changed", actor=actor, company_id=company.id)


def remove_logo(company, *, actor):
    if company.logo_updated_at is not None:
        company.logo, company.logo_updated_at = None, None
        record_event("company.logo_removed", actor=actor, company_id=company.id)


@bp.route("/logo", methods=["GET", "POST"])
@require("company.manage")
@upload_limit
def logo():
    company = services.get_own_company(current_user)
    form = LogoForm()
    if form.validate_on_submit():
        limit = current_app.config["PHOTO_MAX_BYTES"]
        try:
            set_logo(company, form.logo.data.read(limit + 1), actor=current_user, max_bytes=limit)
        except RuleViolation as error:
            db.session.rollback()
            form.add_error(error.field, error.message)
        else:
            db.session.commit()
            flash(_("The logo has been saved."), "success")
            return redirect(url_for("workspace.logo"))
    shown = "data:image/png;base64," + base64.b64encode(company.logo).decode() if company.logo_updated_at else None
    return render_template("workspace/logo.html", form=form, company=company, logo=shown)


@bp.post("/logo/remove")
@require("company.manage")
def remove_logo_view():
    remove_logo(services.get_own_company(current_user), actor=current_user)
    db.session.commit()
    flash(_("The logo has been removed."), "success")
    return redirect(url_for("workspace.logo"))
