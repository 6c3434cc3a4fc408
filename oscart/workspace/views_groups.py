"""Groups and job roles: lists with member counts, a group's members (added and removed), create, rename, delete
after a confirmation page."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from oscart.companies import directory, groups, members
from oscart.core.exceptions import RuleViolation
from oscart.core.extensions import db
from oscart.core.pagination import paginate
from oscart.core.security import require
from oscart.workspace.blueprint import bp
from oscart.workspace.forms import KIND_LABELS, AddMembersForm, GroupForm, JobRoleForm


def _saved(form, change):
    """Run the service ``change``; commit, or put its RuleViolation on the form."""
    try:
        change()
    except RuleViolation as error:
        db.session.rollback()
        form.add_error(error.field, error.message)
        return False
    db.session.commit()
    return True


@bp.route("/groups", methods=["GET", "POST"])
@require("company.manage")
def groups_page():
    form = GroupForm()
    if form.validate_on_submit() and _saved(form, lambda: groups.create_group(
            current_user, name=form.name.data, kind=form.kind.data)):
        flash(_("The group %(name)s has been created.", name=form.name.data.strip()), "success")
        return redirect(url_for("workspace.groups_page"))
    page = paginate(groups.list_groups(current_user), request.args.get("page", 1, type=int))
    return render_template("workspace/groups.html", form=form, page=page, kinds=KIND_LABELS)


@bp.route("/groups/<int:group_id>", methods=["GET", "POST"])
@require("company.manage")
def group(group_id):
    item = groups.get_group(current_user, group_id)
    form = AddMembersForm()
    if form.validate_on_submit():
        added = []
        if _saved(form, lambda: added.append(members.add_members(item, actor=current_user, text=form.addresses.data))):
            flash(ngettext("%(num)d person added to %(group)s.", "%(num)d people added to %(group)s.", added[0],
                           group=item.name), "success")
            return redirect(url_for("workspace.group", group_id=group_id))
    state = request.args.get("state", directory.ACTIVE)
    filters = directory.Filters(group_id=item.id, state=state if state in directory.STATE_LABELS else directory.ACTIVE)
    page = paginate(directory.list_people(current_user, filters), request.args.get("page", 1, type=int),
                    count=directory.count_people(current_user, filters))
    return render_template("workspace/group.html", group=item, form=form, page=page, filters=filters,
                           states=directory.STATE_LABELS, kinds=KIND_LABELS)


@bp.route("/groups/<int:group_id>/members/<int:user_id>/remove", methods=["GET", "POST"])
@require("company.manage")
def remove_group_member(group_id, user_id):
    item = groups.get_group(current_user, group_id)
    person = directory.get_person(current_user, user_id)
    if request.method == "GET":  # asks first; the page's button posts here
        return render_template(
            "confirm.html", title=_("Remove from the group"), button=_("Remove from the group"),
            question=_("Remove %(name)s from the group %(group)s?", name=person.full_name, group=item.name),
            notes=[_("Training the group required is no longer required of them: the open assignments its rules "
                     "made end. What they completed and their certificates stay.")],
            back=url_for("workspace.group", group_id=group_id))
    groups.remove_member(item, person, actor=current_user)
    db.session.commit()
    flash(_("%(name)s has been removed from %(group)s. Training the group required is no longer required of them; "
            "what they completed stays.", name=person.full_name, group=item.name), "success")
    return redirect(url_for("workspace.group", group_id=group_id))


@bp.route("/groups/<int:group_id>/edit", methods=["GET", "POST"])
@require("company.manage")
def edit_group(group_id):
    group = groups.get_group(current_user, group_id)
    form = GroupForm(obj=group)
    if form.validate_on_submit() and _saved(form, lambda: groups.rename_group(
            group, actor=current_user, name=form.name.data, kind=form.kind.data)):
        flash(_("The group has been saved."), "success")
        return redirect(url_for("workspace.groups_page"))
    return render_template("workspace/group_edit.html", form=form, group=group)


@bp.route("/groups/<int:group_id>/delete", methods=["GET", "POST"])
@require("company.manage")
def delete_group(group_id):
    group = groups.get_group(current_user, group_id)
    if request.method == "POST":  # the CSRF token is checked for every POST
        name = group.name
        groups.delete_group(group, actor=current_user)
        db.session.commit()
        flash(_("The group %(name)s has been deleted.", name=name), "success")
        return redirect(url_for("workspace.groups_page"))
    return render_template("workspace/delete.html", name=group.name, is_group=True,
                           members=groups.count_members(group), back=url_for("workspace.groups_page"))


@bp.route("/roles", methods=["GET", "POST"])
@require("company.manage")
def roles_page():
    form = JobRoleForm()
    if form.validate_on_submit() and _saved(form, lambda: groups.create_job_role(current_user, name=form.name.data)):
        flash(_("The job role %(name)s has been created.", name=form.name.data.strip()), "success")
        return redirect(url_for("workspace.roles_page"))
    page = paginate(groups.list_job_roles(current_user), request.args.get("page", 1, type=int))
    return render_template("workspace/roles.html", form=form, page=page)


@bp.route("/roles/<int:job_role_id>/edit", methods=["GET", "POST"])
@require("company.manage")
def edit_role(job_role_id):
    role = groups.get_job_role(current_user, job_role_id)
    form = JobRoleForm(obj=role)
    if form.validate_on_submit() and _saved(form, lambda: groups.rename_job_role(
            role, actor=current_user, name=form.name.data)):
        flash(_("The job role has been saved."), "success")
        return redirect(url_for("workspace.roles_page"))
    return render_template("workspace/role_edit.html", form=form, role=role)


@bp.route("/roles/<int:job_role_id>/delete", methods=["GET", "POST"])
@require("company.manage")
def delete_role(job_role_id):
    role = groups.get_job_role(current_user, job_role_id)
    if request.method == "POST":
        name = role.name
        groups.delete_job_role(role, actor=current_user)
        db.session.commit()
        flash(_("The job role %(name)s has been deleted.", name=name), "success")
        return redirect(url_for("workspace.roles_page"))
    return render_template("workspace/delete.html", name=role.name, is_group=False,
                           members=groups.count_job_role_people(role), back=url_for("workspace.roles_page"))
