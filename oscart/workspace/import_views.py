"""The people import of a company admin: upload, choose the columns, preview, import, result."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import ngettext
from flask_login import current_user

from oscart.core.exceptions import RuleViolation
from oscart.core.extensions import db
from oscart.core.i18n import LANGUAGES
from oscart.core.security import require
from oscart.core.uploads import upload_limit
from oscart.workspace import import_job, imports
from oscart.workspace.company_views import limit_invitations
from oscart.workspace.import_columns import FIELDS, sample_response
from oscart.workspace.import_files import MAX_BYTES
from oscart.workspace.import_forms import ConfirmForm, UploadForm, chosen_mapping, mapping_form
from oscart.workspace.import_plan import REFUSED

bp = Blueprint("people_import", __name__, url_prefix="/company/import")

SHOWN_PROBLEMS = 500
SHOWN_ROWS = 50


@bp.url_value_preprocessor
def _allow_large_files(endpoint, _values):
    # Runs before the CSRF check reads the form: a file up to 10 MB (and the form around it) gets through, so
    # a larger one is answered by the upload form itself rather than the portal's 413 page.
    if endpoint == "people_import.upload":
        request.max_content_length = MAX_BYTES + 256 * 1024


@bp.route("/", methods=["GET", "POST"])
@require("company.manage")
@upload_limit
def upload():
    form = UploadForm()
    if form.validate_on_submit():
        file = form.file.data
        try:
            people_import = imports.upload_people_file(current_user, filename=file.filename,
                                                       data=file.read(MAX_BYTES + 1))
        except RuleViolation as error:
            form.add_error(error.field, error.message)
        else:
            db.session.commit()
            return redirect(url_for("people_import.columns", import_id=people_import.id))
    return render_template("workspace/import/upload.html", form=form, languages=LANGUAGES,
                           waiting=imports.count_waiting(current_user))


@bp.get("/sample-<lang>.csv", defaults={"extension": "csv"})
@bp.get("/sample-<lang>.xlsx", defaults={"extension": "xlsx"})
@require("company.manage")
def sample(lang, extension):
    if lang not in LANGUAGES:
        abort(404)
    return sample_response(lang, extension)


@bp.route("/<int:import_id>/columns", methods=["GET", "POST"])
@require("company.manage")
def columns(import_id):
    people_import = _open_import(import_id)
    if people_import.completed_at is not None:
        return redirect(url_for("people_import.result", import_id=import_id))
    if (importing := _importing(people_import)) is not None:
        return importing
    form = mapping_form(people_import)
    if form.validate_on_submit():
        try:
            imports.choose_columns(people_import, mapping=chosen_mapping(form), invite_now=form.invite.data == "now")
        except RuleViolation as error:
            form.add_error(error.field, error.message)
        else:
            db.session.commit()
            return redirect(url_for("people_import.preview", import_id=import_id))
    return render_template("workspace/import/columns.html", form=form, people_import=people_import, fields=FIELDS,
                           examples=people_import.rows[:3])


@bp.get("/<int:import_id>/preview")
@require("company.manage")
def preview(import_id):
    people_import = _open_import(import_id)
    if people_import.completed_at is not None:
        return redirect(url_for("people_import.result", import_id=import_id))
    if (importing := _importing(people_import)) is not None:
        return importing
    if not people_import.mapping or "email" not in people_import.mapping:
        return redirect(url_for("people_import.columns", import_id=import_id))
    plan = imports.preview_import(people_import, current_user)
    problems = [row for row in plan.rows if row.status == REFUSED]
    others = [row for row in plan.rows if row.status != REFUSED][:SHOWN_ROWS]
    return render_template("workspace/import/preview.html", people_import=people_import, plan=plan,
                           counts=plan.counts, problems=problems[:SHOWN_PROBLEMS], more_problems=len(problems)
                           - SHOWN_PROBLEMS, others=others, form=ConfirmForm(), header=people_import.header)


@bp.post("/<int:import_id>/confirm")
@require("company.manage")
@upload_limit
def confirm(import_id):
    people_import = _open_import(import_id)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    if import_job.runs_as_job(people_import) and people_import.completed_at is None:
        job_id = import_job.start_import(people_import, actor=current_user, digest=request.form.get("digest", ""))
        db.session.commit()
        return redirect(url_for("jobs.job", job_id=job_id))
    try:
        imports.confirm_import(people_import, actor=current_user, digest=request.form.get("digest", ""))
    except RuleViolation as error:
        db.session.rollback()
        flash(error.message, "error")
        return redirect(url_for("people_import.preview", import_id=import_id))
    db.session.commit()
    return redirect(url_for("people_import.result", import_id=import_id))


@bp.get("/<int:import_id>")
@require("company.manage")
def result(import_id):
    people_import = _open_import(import_id)
    if people_import.completed_at is None:
        return _importing(people_import) or redirect(url_for("people_import.preview", import_id=import_id))
    return render_template("workspace/import/result.html", people_import=people_import,
                           result=people_import.result or {}, waiting=imports.count_waiting(current_user))


@bp.post("/invite-waiting")
@require("company.manage")
@limit_invitations
def invite_waiting():
    count = imports.invite_waiting(current_user)
    db.session.commit()
    flash(ngettext("%(num)d invitation sent.", "%(num)d invitations sent.", count), "success")
    return redirect(url_for("people_import.upload"))


def _open_import(import_id):
    return imports.get_import(current_user, import_id)


def _importing(people_import):
    """A redirect to the page of the job importing the upload, while one runs."""
    job_id = import_job.running_job(people_import)
    return redirect(url_for("jobs.job", job_id=job_id)) if job_id is not None else None
