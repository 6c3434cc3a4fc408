"""A bulk job's page (its progress, refreshing itself while it runs) and its result, for its owner only."""

from flask import Blueprint, Response, render_template
from flask_login import current_user, login_required

from oscart.jobs import services
from oscart.jobs.models import DONE

bp = Blueprint("jobs", __name__, url_prefix="/jobs")

# Seconds between reloads of the page of a job that runs (a meta refresh: no script needed).
REFRESH_SECONDS = 2


@bp.get("/<int:job_id>")
@login_required
def job(job_id):
    item = services.get_job(current_user, job_id)
    return _page(item, REFRESH_SECONDS if item.is_active else None)


@bp.get("/<int:job_id>/download")
@login_required
def download(job_id):
    item = services.get_job(current_user, job_id, with_result=True)
    if item.status != DONE:
        return _page(item, None), 409
    response = Response(item.result, mimetype=item.result_type)
    response.headers["Content-Disposition"] = f'attachment; filename="{item.result_name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def _page(item, refresh):
    # A kind's own page (templates/jobs/<kind>.html, extending jobs/job.html) when its feature gives one.
    return render_template([f"jobs/{item.kind}.html", "jobs/job.html"], job=item, kind=services.kind_of(item),
                           refresh=refresh)
