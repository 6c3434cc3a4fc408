"""The security page: two-step authentication, active sessions and recent sign-ins of one's own account."""

import time

from flask import Blueprint, flash, g, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from oscart.accounts.forms import ConfirmPasswordForm, DisableTwoStepForm
from oscart.auth import pending, sessions, twostep
from oscart.auth.forms import EnrolForm
from oscart.core.exceptions import RuleViolation
from oscart.core.extensions import db
from oscart.core.net import client_ip
from oscart.core.security import require

bp = Blueprint("account_security", __name__, url_prefix="/account/security")

REAUTH_KEY = "reauthenticated_at"
REAUTH_SECONDS = 10 * 60


@bp.get("/")
@require("profile.edit")
def index():
    active_sessions, sessions_total = sessions.list_active_sessions(current_user)
    return render_template(
        "accounts/security.html",
        active_sessions=active_sessions, sessions_total=sessions_total,
        sign_ins=db.session.execute(sessions.list_recent_sign_ins(current_user)).all(),
        remaining_codes=twostep.remaining_recovery_codes(current_user) if current_user.has_two_step else 0,
        required=twostep.is_required(current_user),
        disable_form=DisableTwoStepForm(),
        SIGN_IN_LABELS=sessions.SIGN_IN_LABELS,
        describe_browser=sessions.describe_browser,
    )


@bp.post("/sessions/<int:user_session_id>/end")
@require("profile.edit")
def end_session(user_session_id):
    try:
        sessions.end_session_by_id(current_user, user_session_id)
    except RuleViolation as error:
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(_("The session has been ended."), "success")
    return redirect(url_for("account_security.index"))


@bp.post("/sessions/end-others")
@require("profile.edit")
def end_others():
    sessions.end_other_sessions(current_user)
    db.session.commit()
    flash(_("You have been logged out everywhere else, remembered devices included."), "success")
    return redirect(url_for("account_security.index"))


@bp.route("/two-step/enable", methods=["GET", "POST"])
@require("profile.edit")
def enable():
    if current_user.has_two_step:
        return redirect(url_for("account_security.index"))
    form = ConfirmPasswordForm()
    if form.validate_on_submit():
        try:
            twostep.start_enrolment(current_user, password=form.password.data, ip=client_ip())
        except RuleViolation as error:
            db.session.commit()  # keep a wrong password's count toward the lockout
            form.add_error(error.field, error.message)
        else:
            db.session.commit()
            session[REAUTH_KEY] = int(time.time())
            return redirect(url_for("account_security.setup"))
    return render_template("accounts/confirm_password.html", form=form, title=_("Turn on two-step authentication"))


@bp.route("/two-step/setup", methods=["GET", "POST"])
@require("profile.edit")
@pending.throttle_wrong_codes
def setup():
    recent = time.time() - session.get(REAUTH_KEY, 0) < REAUTH_SECONDS
    if current_user.has_two_step or not current_user.two_step_secret or not recent:
        return redirect(url_for("account_security.index"))
    form = EnrolForm()
    if form.validate_on_submit():
        try:
            codes = twostep.confirm_enrolment(current_user, form.code.data)
        except RuleViolation as error:
            g.code_rejected = True
            db.session.commit()  # keep the audit event of a replayed code
            form.add_error(error.field, error.message)
        else:
            db.session.commit()
            session.pop(REAUTH_KEY, None)
            return render_template("accounts/recovery_codes.html", codes=codes,
                                   continue_url=url_for("account_security.index"))
    secret = twostep.formatted_secret(current_user.two_step_secret)
    return render_template("auth/two_step_enrol.html", form=form, user=current_user,
                           qr=twostep.qr_svg(current_user), secret=secret)


@bp.post("/two-step/disable")
@require("profile.edit")
@pending.throttle_wrong_codes
def disable():
    form = DisableTwoStepForm()
    if form.validate_on_submit():
        try:
            twostep.disable(current_user, password=form.password.data, code=form.code.data, ip=client_ip())
        except RuleViolation as error:
            g.code_rejected = error.field == "code"
            db.session.commit()  # keep the audit event of the wrong code
            flash(error.message, "error")
        else:
            db.session.commit()
            flash(_("Two-step authentication is off. We have sent you an e-mail about it."), "success")
    else:
        flash(_("Enter your password and a code to turn two-step authentication off."), "error")
    return redirect(url_for("account_security.index"))


@bp.route("/two-step/recovery-codes", methods=["GET", "POST"])
@require("profile.edit")
def recovery_codes():
    if not current_user.has_two_step:
        return redirect(url_for("account_security.index"))
    form = ConfirmPasswordForm()
    if form.validate_on_submit():
        try:
            codes = twostep.regenerate_recovery_codes(current_user, password=form.password.data, ip=client_ip())
        except RuleViolation as error:
            db.session.commit()  # keep a wrong password's count toward the lockout
            form.add_error(error.field, error.message)
        else:
            db.session.commit()
            return render_template("accounts/recovery_codes.html", codes=codes,
                                   continue_url=url_for("account_security.index"))
    return render_template("accounts/confirm_password.html", form=form, title=_("New recovery codes"))
