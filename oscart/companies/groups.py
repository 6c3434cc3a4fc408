"""Groups (departments, sites, teams) and job roles of a company, and who is in which.

Every query is scoped to the actor's company: another company's id is NotFound, like a missing one. Changes to
anyone's groups or job role send ``people_changed`` so that required training follows them.
"""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import delete, exc, func, select, update

from oscart.accounts.models import User
from oscart.audit.services import record_event
from oscart.companies.models import GROUP_KINDS, Group, GroupMember, JobRole
from oscart.companies.services import visible_employees
from oscart.core.exceptions import NotFound, RuleViolation
from oscart.core.extensions import db
from oscart.core.signals import people_changed

NAME_LENGTH = 100

DUPLICATE_TEXTS = {
    Group: _l("Your company already has a group with this name."),
    JobRole: _l("Your company already has a job role with this name."),
}


def list_groups(actor):
    """Rows of the actor's company's groups with their number of active members (as the group's page lists
    them by default), by name."""
    members = (select(func.count(GroupMember.id)).join(User, User.id == GroupMember.user_id)
               .where(GroupMember.group_id == Group.id, User.is_active.is_(True), *visible_employees())
               .scalar_subquery())
    return (select(Group.id, Group.name, Group.kind, members.label("member_count"))
            .where(Group.company_id == actor.company_id).order_by(func.lower(Group.name), Group.id))


def list_job_roles(actor):
    """Rows of the actor's company's job roles with their number of active people (as the employees list shows
    them by default), by name."""
    people = (select(func.count(User.id)).where(User.job_role_id == JobRole.id, User.is_active.is_(True),
                                                *visible_employees()).scalar_subquery())
    return (select(JobRole.id, JobRole.name, people.label("member_count"))
            .where(JobRole.company_id == actor.company_id).order_by(func.lower(JobRole.name), JobRole.id))


def group_choices(actor):
    """[(id, name)] of the actor's company's groups, for filters and forms."""
    return db.session.execute(select(Group.id, Group.name).where(Group.company_id == actor.company_id)
                              .order_by(func.lower(Group.name), Group.id)).all()


def job_role_choices(actor):
    return db.session.execute(select(JobRole.id, JobRole.name).where(JobRole.company_id == actor.company_id)
                              .order_by(func.lower(JobRole.name), JobRole.id)).all()


def get_group(actor, group_id):
    return _get(Group, actor, group_id)


def get_job_role(actor, job_role_id):
    return _get(JobRole, actor, job_role_id)


def _get(model, actor, row_id):
    row = db.session.scalar(select(model).where(model.id == row_id, model.company_id == actor.company_id))
    if row is None or actor.company_id is None:
        raise NotFound()
    return row


def check_name(model, company_id, name, *, current=None):
    """The stripped name, or RuleViolation (field "name"): empty, too long, or taken in the company (any case)."""
    name = (name or "").strip()
    if not name:
        raise RuleViolation(_l("Please fill in this field."), "name")
    if len(name) > NAME_LENGTH:
        raise RuleViolation(lazy_ngettext("Use at most %(num)d character.", "Use at most %(num)d characters.",
                                          NAME_LENGTH), "name")
    taken = select(model.id).where(model.company_id == company_id, func.lower(model.name) == name.lower())
    if current is not None:
        taken = taken.where(model.id != current.id)
    if db.session.scalar(taken.limit(1)) is not None:
        raise RuleViolation(DUPLICATE_TEXTS[model], "name")
    return name


def _check_kind(kind):
    if kind not in GROUP_KINDS:
        raise RuleViolation(_l("Choose one of the offered options."), "kind")
    return kind


def _flush_unique(model):
    """Flush; a name taken meanwhile by another request is the same field error as one taken before."""
    try:
        with db.session.begin_nested():
            db.session.flush()
    except exc.IntegrityError:
        raise RuleViolation(DUPLICATE_TEXTS[model], "name") from None


def create_group(actor, *, name, kind="department"):
    name, kind = check_name(Group, actor.company_id, name), _check_kind(kind)
    group = Group(company_id=actor.company_id, name=name, kind=kind)
    db.session.add(group)
    _flush_unique(Group)
    record_event("group.created", actor=actor, company_id=actor.company_id, target=f"group:{group.id}",
                 name=name, kind=kind)
    return group


def rename_group(group, *, actor, name, kind):
    name, kind = check_name(Group, group.company_id, name, current=group), _check_kind(kind)
    if (name, kind) != (group.name, group.kind):
        record_event("group.renamed", actor=actor, company_id=group.company_id, target=f"group:{group.id}",
                     before={"name": group.name, "kind": group.kind}, after={"name": name, "kind": kind})
        group.name, group.kind = name, kind
        _flush_unique(Group)
    return group


def delete_group(group, *, actor):
    """Delete the group; its members stay, and lose the training their membership required."""
    members = list(db.session.scalars(select(GroupMember.user_id).where(GroupMember.group_id == group.id)))
    record_event("group.deleted", actor=actor, company_id=group.company_id, target=f"group:{group.id}",
                 name=group.name, members=len(members))
    db.session.execute(delete(GroupMember).where(GroupMember.group_id == group.id))
    db.session.delete(group)
    db.session.flush()
    _changed(group.company_id, members, actor)


def create_job_role(actor, *, name):
    name = check_name(JobRole, actor.company_id, name)
    role = JobRole(company_id=actor.company_id, name=name)
    db.session.add(role)
    _flush_unique(JobRole)
    record_event("job_role.created", actor=actor, company_id=actor.company_id, target=f"job-role:{role.id}",
                 name=name)
    return role


def rename_job_role(role, *, actor, name):
    name = check_name(JobRole, role.company_id, name, current=role)
    if name != role.name:
        record_event("job_role.renamed", actor=actor, company_id=role.company_id, target=f"job-role:{role.id}",
                     before=role.name, after=name)
        role.name = name
        _flush_unique(JobRole)
    return role


def delete_job_role(role, *, actor):
    """Delete the job role; the people who had it keep their account and have no job role."""
    people = list(db.session.scalars(select(User.id).where(User.job_role_id == role.id)))
    record_event("job_role.deleted", actor=actor, company_id=role.company_id, target=f"job-role:{role.id}",
                 name=role.name, people=len(people))
    db.session.execute(update(User).where(User.job_role_id == role.id).values(job_role_id=None)
                       .execution_options(synchronize_session="fetch"))
    db.session.delete(role)
    db.session.flush()
    _changed(role.company_id, people, actor)


def member_group_ids(user):
    return set(db.session.scalars(select(GroupMember.group_id).where(GroupMember.user_id == user.id)))


def add_member(group, user, *, actor):
    """Put ``user`` (of the group's company) in ``group``; nothing happens when already in it."""
    _check_same_company(group, user)
    if group.id in member_group_ids(user):
        return
    db.session.add(GroupMember(group_id=group.id, user_id=user.id))
    db.session.flush()
    record_event("group.member_added", actor=actor, subject=user, company_id=group.company_id,
                 target=f"group:{group.id}", group=group.name)
    _changed(group.company_id, [user.id], actor)


def remove_member(group, user, *, actor):
    _check_same_company(group, user)
    removed = db.session.execute(delete(GroupMember).where(GroupMember.group_id == group.id,
                                                           GroupMember.user_id == user.id)).rowcount
    if removed:
        record_event("group.member_removed", actor=actor, subject=user, company_id=group.company_id,
                     target=f"group:{group.id}", group=group.name)
        _changed(group.company_id, [user.id], actor)


def _check_same_company(group, user):
    if user.company_id != group.company_id:
        raise NotFound()


def _changed(company_id, user_ids, actor):
    if user_ids:
        people_changed.send(company_id, user_ids=list(user_ids), actor=actor)


def count_members(group):
    return db.session.scalar(select(func.count(GroupMember.id)).join(User, User.id == GroupMember.user_id)
                             .where(GroupMember.group_id == group.id, *visible_employees()))


def count_job_role_people(role):
    return db.session.scalar(select(func.count(User.id)).where(User.job_role_id == role.id, *visible_employees()))
