from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from oscart.auth import reset, services
from oscart.auth.forms import LoginForm, ResetPasswordForm, ResetRequestForm
from oscart.exceptions import RuleViolation
from oscart.extensions import db, limiter
from oscart.net import client_ip
from oscart.privacy.consents import record_consent
from oscart.privacy.policy import REMEMBER_ME
from oscart.security import home_endpoint, safe_next_url

bp = Blueprint("auth", __name__)


def _login_limit():
    return current_app.config["RATELIMIT_LOGIN"]


def _reset_limit():
    return current_app.config["RATELIMIT_RESET"]


def _reset_address_limit():
    return current_app.config["RATELIMIT_RESET_PER_ADDRESS"]


def _reset_address_key():
    return "reset:" + services.normalize_email(request.form.get("email", ""))


def _failed(response):
    # A successful login or reset redirects; only the re-rendered form counts as a failure.
    return response.status_code != 302


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"], deduct_when=_failed)
def login():
    if current_user.is_authenticated:
        return redirect(url_for(home_endpoint(current_user)))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data)
        except RuleViolation as error:
            db.session.commit()  # keep the failure count and the audit event
            form.add_error(None, error.message)
        else:
            services.start_session(
                user, remember=form.remember.data, ip=client_ip(), user_agent=request.user_agent.string
            )
            if form.remember.data:  # remember-me rests on consent, recorded here (privacy)
                record_consent(user, REMEMBER_ME, True, actor=user, ip=client_ip(), source="login")
            db.session.commit()
            session.clear()  # a fresh session for the new login
            login_user(user, remember=form.remember.data)
            return redirect(safe_next_url(form.next.data) or url_for(home_endpoint(user)))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    services.end_session(current_user)
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You are logged out."), "success")
    return redirect(url_for("main.index"))


@bp.route("/reset", methods=["GET", "POST"])
@limiter.limit(_reset_limit, methods=["POST"])
@limiter.limit(_reset_address_limit, methods=["POST"], key_func=_reset_address_key)
def request_reset():
    form = ResetRequestForm()
    if form.validate_on_submit():
        reset.request_password_reset(form.email.data)
        db.session.commit()
        flash(
            _("If an account uses this address, we have sent it a link to choose a new password."),
            "success",
        )
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_request.html", form=form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
@limiter.limit(_reset_limit, methods=["POST"], deduct_when=_failed)
def reset_password(token):
    try:
        reset.user_for_reset_token(token)
    except RuleViolation as error:
        flash(error.message, "error")
        return redirect(url_for("auth.request_reset"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            reset.reset_password(token, form.password.data)
        except RuleViolation as error:
            form.add_error("password", error.message)
        else:
            db.session.commit()
            flash(_("Your password has been changed. You can now log in."), "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form, token=token)
