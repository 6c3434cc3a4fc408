"""The employee page: a person's whole training record, their details and what their company admin may change."""

from importlib import import_module

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from oscart.certificates.models import STATUS_LABELS as CERTIFICATE_LABELS
from oscart.certificates.models import certificate_status
from oscart.classroom.models import REGISTRATION_LABELS
from oscart.companies import directory, groups
from oscart.core import local_time
from oscart.core.database import utcnow
from oscart.core.exceptions import RuleViolation
from oscart.core.extensions import db
from oscart.core.security import COMPANY_ADMIN, require
from oscart.workspace import people, record, record_rows
from oscart.workspace.blueprint import bp
from oscart.workspace.forms import KIND_LABELS, PersonForm

__all__ = ["bp"]

import_module("oscart.workspace.views_groups")
import_module("oscart.workspace.views_logo")


@bp.get("/employees/<int:user_id>")
@require("company.manage")
def employee(user_id):
    return render_template(
        "workspace/employee.html", **record.employee_page(current_user, user_id), kinds=KIND_LABELS, now=utcnow(),
        today=local_time.today(), certificate_status=certificate_status, certificate_labels=CERTIFICATE_LABELS,
        registration_labels=REGISTRATION_LABELS, COMPANY_ADMIN=COMPANY_ADMIN, is_self=user_id == current_user.id,
        course_rows=record_rows.course_rows)


@bp.route("/employees/<int:user_id>/edit", methods=["GET", "POST"])
@require("company.manage")
def edit_employee(user_id):
    person = directory.get_person(current_user, user_id)
    form = PersonForm(obj=person, group_ids=sorted(groups.member_group_ids(person)),
                      manager_email=_manager_email(person))
    form.set_choices(groups.job_role_choices(current_user), groups.group_choices(current_user))
    if form.validate_on_submit():
        try:
            people.update_person(person, actor=current_user, employee_number=form.employee_number.data,
                                 job_role_id=form.job_role_id.data, manager_email=form.manager_email.data,
                                 group_ids=form.group_ids.data)
        except RuleViolation as error:
            db.session.rollback()
            form.add_error(error.field, error.message)
        else:
            db.session.commit()
            flash(_("The details of %(name)s have been saved.", name=person.full_name), "success")
            return redirect(url_for("workspace.employee", user_id=user_id))
    return render_template("workspace/employee_edit.html", form=form, person=person)


def _manager_email(person):
    manager = db.session.get(type(person), person.manager_id) if person.manager_id else None
    return manager.email if manager is not None else ""


@bp.route("/employees/<int:user_id>/deactivate", methods=["GET", "POST"])
@require("company.manage")
def deactivate_employee(user_id):
    if request.method == "GET":
        return _confirm(user_id, title=_("Deactivate"), button=_("Deactivate"),
                        question=lambda name: _("Deactivate %(name)s?", name=name),
                        note=_("Deactivating ends this person's sessions at once: they can no longer log in and get "
                               "no reminders. Their training record and certificates are kept, and you can "
                               "reactivate them at any time."))
    return _change(user_id, people.deactivate_person,
                   lambda name: _("%(name)s has been deactivated and can no longer log in.", name=name))


@bp.post("/employees/<int:user_id>/reactivate")
@require("company.manage")
def reactivate_employee(user_id):
    return _change(user_id, people.reactivate_person,
                   lambda name: _("%(name)s has been reactivated and can log in again.", name=name))


@bp.post("/employees/<int:user_id>/make-admin")
@require("company.manage")
def appoint_admin(user_id):
    return _change(user_id, people.appoint_admin, lambda name: _("%(name)s is now a company admin.", name=name))


@bp.route("/employees/<int:user_id>/remove-admin", methods=["GET", "POST"])
@require("company.manage")
def revoke_admin(user_id):
    if request.method == "GET":
        return _confirm(user_id, title=_("Remove admin rights"), button=_("Remove admin rights"),
                        question=lambda name: _("Remove the admin rights of %(name)s?", name=name),
                        note=_("They keep their account and training record, but can no longer manage your "
                               "company's people, training and settings."))
    return _change(user_id, people.revoke_admin,
                   lambda name: _("%(name)s is no longer a company admin.", name=name))


def _confirm(user_id, *, title, button, question, note):
    person = directory.get_person(current_user, user_id)
    return render_template("confirm.html", title=title, button=button, question=question(person.full_name),
                           notes=[note], back=url_for("workspace.employee", user_id=user_id))


def _change(user_id, change, done):
    person = directory.get_person(current_user, user_id)
    try:
        change(person, actor=current_user)
    except RuleViolation as error:
        db.session.rollback()
        flash(error.message, "error")
    else:
        db.session.commit()
        flash(done(person.full_name), "success")
    return redirect(url_for("workspace.employee", user_id=user_id))
