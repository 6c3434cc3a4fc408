"""Platform admins: every certificate, manual issue, re-issue and revoke (each with a reason, audited)."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from oscart.accounts.models import User
from oscart.audit.services import record_event
from oscart.certificates import issuing, services, tables
from oscart.certificates.blueprint import bp
from oscart.certificates.forms import AdminFilterForm, ManualIssueForm, ReasonForm
from oscart.certificates.models import Certificate
from oscart.core import local_time, tabular
from oscart.core.exceptions import RuleViolation
from oscart.core.extensions import db
from oscart.core.forms import choices
from oscart.core.pagination import paginate
from oscart.core.security import normalize_email, require
from oscart.training.models import Course
from oscart.training.titles import reader_title


@bp.get("/certificates/manage")
@require("certificates.manage")
def manage():
    form = AdminFilterForm(request.args)
    form.validate()
    query = services.list_all(current_user, search=form.q.data if not form.q.errors else None,
                              status=form.status.data or None)
    page = paginate(query, request.args.get("page", 1, type=int))
    return render_template("certificates/manage.html", filters=form, page=page)


@bp.get("/certificates/manage/certificates.xlsx", defaults={"extension": "xlsx"})
@bp.get("/certificates/manage/certificates.csv", defaults={"extension": "csv"})
@require("certificates.manage")
def manage_list(extension):
    form = AdminFilterForm(request.args)
    form.validate()
    query = services.list_all(current_user, search=form.q.data if not form.q.errors else None,
                              status=form.status.data or None)
    record_event("certificate.exported", actor=current_user, target="certificates", format=extension,
                 search=form.q.data or "", status=form.status.data or "")
    db.session.commit()
    return tabular.export_response(extension, f"certificates_{local_time.today()}", tables.all_header(),
                                   tables.all_rows(query))


@bp.get("/certificates/manage/<int:certificate_id>")
@require("certificates.manage")
def detail(certificate_id):
    certificate = services.get_certificate(certificate_id)
    return _detail_page(certificate, ReasonForm(prefix="reissue"), ReasonForm(prefix="revoke"))


def _detail_page(certificate, reissue_form, revoke_form, status=200):
    successor = db.session.scalar(select(Certificate.id).where(Certificate.reissue_of_id == certificate.id))
    return render_template("certificates/detail.html", certificate=certificate, successor_id=successor,
                           reissue_form=reissue_form, revoke_form=revoke_form), status


@bp.post("/certificates/manage/<int:certificate_id>/reissue")
@require("certificates.manage")
def reissue(certificate_id):
    return _act(certificate_id, "reissue", issuing.reissue_certificate, _("A new certificate has been issued."))


@bp.post("/certificates/manage/<int:certificate_id>/revoke")
@require("certificates.manage")
def revoke(certificate_id):
    return _act(certificate_id, "revoke", issuing.revoke_certificate, _("The certificate has been revoked."))


def _act(certificate_id, prefix, action, message):
    certificate = services.get_certificate(certificate_id)
    form = ReasonForm(prefix=prefix)
    if form.validate_on_submit():
        try:
            result = action(certificate, actor=current_user, reason=form.reason.data)
        except RuleViolation as error:
            db.session.rollback()
            form.add_error("reason", error.message)
        else:
            db.session.commit()
            flash(message, "success")
            return redirect(url_for("certificates.detail", certificate_id=result.id))
    forms = {"reissue": ReasonForm(prefix="reissue"), "revoke": ReasonForm(prefix="revoke"), prefix: form}
    return _detail_page(services.get_certificate(certificate_id), forms["reissue"], forms["revoke"], 400)


@bp.route("/certificates/manage/issue", methods=["GET", "POST"])
@require("certificates.manage")
def issue():
    form = ManualIssueForm()
    form.course.choices = _course_choices()
    if form.validate_on_submit():
        user = db.session.scalar(select(User).where(User.email == normalize_email(form.email.data)))
        course = db.session.get(Course, form.course.data)
        try:
            if user is None:
                raise RuleViolation(_("There is no account with this e-mail address."), "email")
            if course is None:
                raise RuleViolation(_("Choose a course."), "course")
            certificate = issuing.issue_manually(
                user, course, actor=current_user, completed_on=form.completed_on.data, reason=form.reason.data,
                started_on=form.started_on.data, place=form.place.data, trainer_name=form.trainer_name.data)
        except RuleViolation as error:
            db.session.rollback()
            form.add_error(error.field, error.message)
        else:
            db.session.commit()
            flash(_("The certificate has been issued."), "success")
            return redirect(url_for("certificates.detail", certificate_id=certificate.id))
    return render_template("certificates/issue.html", form=form)


def _course_choices():
    title = reader_title(Course.id, language=current_user.language, company_id=current_user.company_id)
    rows = db.session.execute(select(Course.id, Course.code, title.label("title"))).all()
    labels = {course_id: f"{code} — {title}" if title else code for course_id, code, title in rows}
    return choices([(0, "—"), *sorted(labels.items(), key=lambda item: item[1])])
