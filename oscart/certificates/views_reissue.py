"""Platform admins: re-issue every current certificate of the filtered list at once, for one reason; more than a
page should wait for is done by a job whose page shows the progress."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import ngettext
from flask_login import current_user

from oscart.certificates import reissue_job
from oscart.certificates.blueprint import bp
from oscart.certificates.forms import AdminFilterForm, ReasonForm
from oscart.core.exceptions import RuleViolation
from oscart.core.extensions import db
from oscart.core.security import require
from oscart.core.urls import url_with_args


@bp.route("/certificates/manage/reissue", methods=["GET", "POST"])
@require("certificates.manage")
def reissue_many():
    filters = AdminFilterForm(request.args)
    filters.validate()
    ids = reissue_job.current_ids(current_user, search=filters.q.data if not filters.q.errors else None,
                                  status=filters.status.data or None)
    form = ReasonForm()
    if ids and form.validate_on_submit():
        try:
            if len(ids) > reissue_job.INLINE_MAX:
                job = reissue_job.start_reissue(ids, actor=current_user, reason=form.reason.data)
                db.session.commit()
                return redirect(url_for("jobs.job", job_id=job.id))
            count = reissue_job.reissue_now(ids, actor=current_user, reason=form.reason.data)
        except RuleViolation as error:
            db.session.rollback()
            form.add_error("reason", error.message)
        else:
            db.session.commit()
            flash(ngettext("%(num)s certificate has been re-issued.", "%(num)s certificates have been re-issued.",
                           count), "success")
            return redirect(url_with_args("certificates.manage"))
    return render_template("certificates/reissue_many.html", form=form, filters=filters, count=len(ids),
                           in_background=len(ids) > reissue_job.INLINE_MAX)
