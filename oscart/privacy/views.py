"""The privacy statement, the user's own privacy page, the data archive and one-click unsubscribe."""

import io

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    has_request_context,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, user_loaded_from_cookie, user_logged_in

from oscart.auth import pending
from oscart.core import personal_data as registry
from oscart.core.exceptions import NotFound, RuleViolation
from oscart.core.extensions import csrf, db, limiter
from oscart.core.net import client_ip
from oscart.core.pagination import paginate
from oscart.core.security import require
from oscart.privacy import consents, export, inbox, policy, requests, statement
from oscart.privacy.forms import ExportForm, RequestForm
from oscart.privacy.marketing import read_unsubscribe_token

bp = Blueprint("privacy", __name__, url_prefix="/privacy")


@user_logged_in.connect
@user_loaded_from_cookie.connect
def remember_statement_version(sender, user, **extra):
    """Once per login: remember in the session whether a new statement version awaits the user."""
    version = statement.pending_version(user)
    session["privacy_pending"] = version.number if version else 0


@bp.before_app_request
def check_statement_version():
    """Sessions from before this check existed learn it on their next request."""
    if request.endpoint == "static" or not current_user.is_authenticated or "privacy_pending" in session:
        return
    remember_statement_version(None, current_user._get_current_object())


@bp.app_context_processor
def statement_banner():
    pending = session.get("privacy_pending") if has_request_context() else None  # mail renders without one
    return {"privacy_pending_version": pending or None}


@bp.get("", endpoint="statement")
def statement_page():
    version = statement.current_version()
    return render_template("privacy/statement.html", policy=policy, version=version,
                           categories=registry.categories(), retained=registry.retained_records())


@bp.get("/changes")
def changes():
    versions = db.session.scalars(statement.list_versions()).all()
    return render_template("privacy/changes.html", versions=versions, summary_in=statement.summary_in)


@bp.post("/changes/seen")
@require("privacy.self")
def acknowledge():
    statement.acknowledge_version(current_user, session.get("privacy_pending") or 0)
    db.session.commit()
    session["privacy_pending"] = 0
    return redirect(url_for("privacy.me"))


@bp.get("/me")
@require("privacy.self")
def me():
    history = db.session.execute(consents.list_history(current_user.id).limit(50)).all()
    own_requests = db.session.execute(requests.list_own_requests(current_user)).all()
    messages = paginate(inbox.list_own_messages(current_user), request.args.get("page", 1, type=int), per_page=10)
    return render_template("privacy/me.html", policy=policy, current=consents.current_consents(current_user.id),
                           history=history, own_requests=own_requests, messages=messages,
                           categories=registry.categories(), kind_labels=requests.KIND_LABELS,
                           status_labels=requests.STATUS_LABELS)


@bp.post("/me/consents/<purpose>")
@require("privacy.self")
def consent(purpose):
    granted = request.form.get("granted") == "1"
    if purpose not in policy.CONSENT_PURPOSES or (granted and not policy.PURPOSES_BY_KEY[purpose].grantable_on_page):
        raise NotFound()
    recorded = consents.record_consent(current_user, purpose, granted, actor=current_user, ip=client_ip())
    db.session.commit()
    if recorded is None:
        flash(_("Nothing changed: that was already your choice."), "info")
    else:
        flash(_("Thank you, your consent has been recorded.") if granted else
              _("Your consent has been withdrawn."), "success")
    return redirect(url_for("privacy.me") + "#consents")


def _export_limit():
    return current_app.config["RATELIMIT_PRIVACY_EXPORT"]


def _export_key():
    return f"privacy-export:{current_user.id}"


@bp.route("/me/export", methods=["GET", "POST"])
@require("privacy.self")
@limiter.limit(_export_limit, methods=["POST"], key_func=_export_key)
@pending.throttle_wrong_codes
def export_data():
    form = ExportForm()
    if form.validate_on_submit():
        try:
            export.reauthenticate(current_user, password=form.password.data, code=form.code.data, ip=client_ip())
            content = export.build_archive(current_user, actor=current_user)
        except RuleViolation as error:
            g.code_rejected = error.field == "code"
            db.session.commit()  # keep the audit event of the refusal
            form.add_error(error.field, error.message)
        else:
            db.session.commit()
            return send_file(io.BytesIO(content), mimetype="application/zip", as_attachment=True,
                             download_name=export.archive_filename(current_user))
    return render_template("privacy/export.html", form=form, needs_code=export.needs_code(current_user))


@bp.route("/me/requests/new", methods=["GET", "POST"])
@require("privacy.self")
def new_request():
    form = RequestForm(kind=request.args.get("kind"))
    if form.validate_on_submit():
        try:
            filed = requests.file_request(current_user, kind=form.kind.data, motivation=form.motivation.data,
                                          ip=client_ip())
        except RuleViolation as error:
            db.session.rollback()
            form.add_error(error.field, error.message)
        else:
            db.session.commit()
            flash(_("Your objection has taken effect: you will no longer receive newsletters or offers.")
                  if filed.status == "granted" else
                  _("Your request has been sent. We answer within one month."), "success")
            return redirect(url_for("privacy.me") + "#requests")
    return render_template("privacy/request_new.html", form=form)


@bp.get("/me/messages/<int:message_id>")
@require("privacy.self")
def message(message_id):
    return render_template("privacy/message.html", message=inbox.get_own_message(current_user, message_id))


@bp.route("/unsubscribe/<token>", methods=["GET", "POST"])
@csrf.exempt  # RFC 8058 one-click POST comes from the mail client; the signed token protects it
def unsubscribe(token):
    try:
        user, purpose = read_unsubscribe_token(token)
    except RuleViolation as error:
        return render_template("privacy/unsubscribe.html", error=error.message), 400
    done = None
    if request.method == "POST":
        done = consents.record_consent(user, purpose, False, actor=user, ip=client_ip(),
                                       source="unsubscribe_link") is not None
        db.session.commit()
    return render_template("privacy/unsubscribe.html", purpose=policy.PURPOSES_BY_KEY[purpose], done=done,
                           token=token)
