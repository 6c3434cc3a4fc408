from flask import Blueprint, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf.csrf import generate_csrf

from oscart.auth import pending, renewal, reset, services, twostep
from oscart.auth.forms import EnrolForm, LoginForm, ResetPasswordForm, ResetRequestForm, TwoStepForm
from oscart.core.exceptions import RuleViolation
from oscart.core.extensions import db, limiter
from oscart.core.net import client_ip
from oscart.core.security import home_endpoint, safe_next_url
from oscart.core.signals import remember_me_chosen

bp = Blueprint("auth", __name__)


def _reset_limit():
    return current_app.config["RATELIMIT_RESET"]


def _reset_address_limit():
    return current_app.config["RATELIMIT_RESET_PER_ADDRESS"]


def _reset_address_key():
    # Cut to the longest valid address: the limiter runs before the form is validated.
    return "reset:" + services.normalize_email(request.form.get("email", "")[:300])[:254]


def _failed(response):
    # A successful reset redirects; only the form shown again with an error counts as a failure
    # (not a refusal such as 429, nor a 503 because the limiter's storage is down).
    return response.status_code == 200


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for(home_endpoint(current_user)))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        try:
            user = services.authenticate(form.email.data, form.password.data, ip=client_ip())
        except RuleViolation as error:
            db.session.commit()  # keep the failure count and the audit event
            form.add_error(None, error.message)
        else:
            if user.has_two_step or twostep.is_required(user):
                # The password was right; the login waits for the second step (or enrolment in it).
                pending.begin(user, remember=form.remember.data, next_url=form.next.data,
                              enrol=not user.has_two_step)
                db.session.commit()
                return redirect(url_for("auth.two_step" if user.has_two_step else "auth.two_step_enrol"))
            return _finish_login(user, remember=form.remember.data, next_url=form.next.data)
    return render_template("auth/login.html", form=form)


def _finish_login(user, *, remember, next_url):
    services.start_session(user, remember=remember, ip=client_ip(), user_agent=request.user_agent.string)
    if remember:  # remember-me rests on consent, which the privacy feature records
        remember_me_chosen.send(user, ip=client_ip())
    db.session.commit()
    session.clear()  # a fresh session for the new login
    login_user(user, remember=remember)
    renew_csrf_token()
    return redirect(safe_next_url(next_url) or url_for(home_endpoint(user)))


def start_first_login(user):
    """Log a new account in (its password was just chosen): through two-step enrolment first when its company's
    policy requires two-step login, as at any login; the view's transaction is committed here."""
    if twostep.is_required(user):
        pending.begin(user, remember=False, next_url="", enrol=True)
        db.session.commit()
        return redirect(url_for("auth.two_step_enrol"))
    return _finish_login(user, remember=False, next_url="")


def renew_csrf_token():
    """A new CSRF secret for the new session, set in the login's own response.

    The token of the anonymous session is not carried over, and the first page after the login does not have to
    set the session cookie again: every page has a form that needs a token.
    """
    g.pop(current_app.config["WTF_CSRF_FIELD_NAME"], None)  # generate_csrf keeps the request's token in g
    generate_csrf()


def _expired():
    flash(_("Your login was not completed in time. Please log in again."), "error")
    return redirect(url_for("auth.login"))


@bp.route("/login/two-step", methods=["GET", "POST"])
@pending.throttle_wrong_codes
def two_step():
    user, data = pending.current(enrol=False)
    if user is None:
        return _expired()
    form = TwoStepForm()
    unreadable = renewal.needs_renewal(user)  # only a recovery code can pass
    if form.validate_on_submit():
        if twostep.verify_second_factor(user, form.code.data):
            if unreadable:
                return _set_up_again(user, data)
            return _finish_login(user, remember=data["remember"], next_url=data["next"])
        g.code_rejected = True
        db.session.commit()  # keep the audit event of the wrong code
        form.add_error("code", twostep.INVALID_CODE)
    return render_template("auth/two_step.html", form=form, unreadable=unreadable)


def _set_up_again(user, data):
    """After a recovery code, the login goes on only through setting two-step up again with a new secret."""
    pending.begin(user, remember=data["remember"], next_url=data["next"], enrol=True,
                  new_secret=twostep.new_secret())
    db.session.commit()  # the recovery code is used up
    return redirect(url_for("auth.two_step_enrol"))


@bp.route("/login/two-step/setup", methods=["GET", "POST"])
@pending.throttle_wrong_codes
def two_step_enrol():
    """Enrolment demanded by policy, or setting two-step up again after a recovery code, between the password
    and the first page: no other page is reachable."""
    user, data = pending.current(enrol=True)
    if user is None:
        return _expired()
    renewing = "secret" in data
    secret = pending.new_secret(data) if renewing else user.two_step_secret
    if renewing and (secret is None or not renewal.needs_renewal(user)):
        return _expired()
    if not secret:
        secret = twostep.begin_enrolment(user)
        db.session.commit()
    form = EnrolForm()
    if form.validate_on_submit():
        try:
            codes = (renewal.confirm_renewal(user, secret, form.code.data) if renewing
                     else twostep.confirm_enrolment(user, form.code.data))
        except RuleViolation as error:
            g.code_rejected = True
            db.session.commit()  # keep the audit event of a replayed code
            form.add_error(error.field, error.message)
        else:
            _finish_login(user, remember=data["remember"], next_url=data["next"])
            return render_template("accounts/recovery_codes.html", codes=codes,
                                   continue_url=safe_next_url(data["next"]) or url_for(home_endpoint(user)))
    return render_template("auth/two_step_enrol.html", form=form, user=user, qr=twostep.qr_svg(user, secret),
                           secret=twostep.formatted_secret(secret), renewing=renewing)


@bp.post("/logout")
@login_required
def logout():
    language = current_user.language
    services.end_session(current_user)
    db.session.commit()
    logout_user()
    session.clear()
    session["lang"] = language  # the portal keeps speaking the user's language after logout
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
