from flask import Blueprint, abort, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from oscart.accounts.services import set_language
from oscart.core.extensions import db
from oscart.core.i18n import is_language
from oscart.core.security import home_endpoint, safe_next_url
from oscart.main import monitoring  # noqa: F401  (metrics the portal reports)
from oscart.main.dashboard import load_dashboard
from oscart.main.readiness import readiness
from oscart.training.texts import preferred_languages

bp = Blueprint("main", __name__)


@bp.get("/")
def index():
    if current_user.is_authenticated:
        return redirect(url_for(home_endpoint(current_user)))
    return render_template("main/index.html")


@bp.get("/dashboard")
@login_required
def dashboard():
    """The personal landing page: courses in progress, due and completed, sessions, certificates, news."""
    chosen = request.args.get("lang")
    preferred = preferred_languages(current_user, chosen if is_language(chosen) else None)
    return render_template("training/dashboard.html", **load_dashboard(current_user, preferred))


@bp.post("/language")
def language():
    code = request.form.get("language", "")
    if not is_language(code):
        abort(400, description=_("Choose one of the offered languages."))
    session["lang"] = code
    if current_user.is_authenticated:
        set_language(current_user, code)
        db.session.commit()
    return redirect(safe_next_url(request.form.get("next")) or url_for("main.index"))


@bp.get("/healthz")
def healthz():
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return {"status": "unavailable"}, 503
    return {"status": "ok"}


@bp.get("/readyz")
def readyz():
    """Readiness for a load balancer or orchestrator; /healthz stays the liveness check."""
    checks = readiness()
    ready = all(result == "ok" for result in checks.values())
    return {"status": "ready" if ready else "unavailable", "checks": checks}, 200 if ready else 503
