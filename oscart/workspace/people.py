"""A company admin's changes to the company's people: details, groups, deactivation and admin rights.

Every change is scoped to the actor's company (the views load people with directory.get_person), recorded in
the audit trail and announced with ``people_changed`` when it may change the training a person must follow.
A company always keeps at least one active admin, and no admin removes their own rights or account.
"""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import func, select

from oscart.accounts.models import User
from oscart.audit.services import record_event
from oscart.auth import twostep
from oscart.auth.services import revoke_all_sessions
from oscart.companies import groups
from oscart.companies.models import Group
from oscart.companies.services import get_own_company, visible_employees
from oscart.core.database import utcnow
from oscart.core.exceptions import RuleViolation
from oscart.core.extensions import db
from oscart.core.locking import lock
from oscart.core.security import COMPANY_ADMIN, TRAINEE, normalize_email
from oscart.core.signals import people_changed

NUMBER_LENGTH = 50

NOT_YOURSELF = _l("You cannot deactivate yourself or remove your own admin rights.")
LAST_ADMIN = _l("Your company needs at least one active company admin. Appoint another one first.")


def update_person(person, *, actor, employee_number, job_role_id, manager_email, group_ids):
    """Set the employee number, job role, manager (by e-mail address; empty: none) and groups."""
    number = (employee_number or "").strip() or None
    _check_number(person, number)
    role = groups.get_job_role(actor, job_role_id) if job_role_id else None
    manager = _find_manager(person, actor, manager_email)
    chosen = _own_groups(actor, group_ids)
    before = {"employee_number": person.employee_number, "job_role_id": person.job_role_id,
              "manager_id": person.manager_id}
    after = {"employee_number": number, "job_role_id": role.id if role else None,
             "manager_id": manager.id if manager else None}
    if before != after:
        person.employee_number, person.job_role_id, person.manager_id = (after[key] for key in after)
        db.session.flush()
        record_event("employee.updated", actor=actor, subject=person, before=before, after=after)
    current = groups.member_group_ids(person)
    for group in chosen:
        if group.id not in current:
            groups.add_member(group, person, actor=actor)
    for group in _own_groups(actor, current - {group.id for group in chosen}):
        groups.remove_member(group, person, actor=actor)
    if before["job_role_id"] != after["job_role_id"]:
        people_changed.send(person.company_id, user_ids=[person.id], actor=actor)
    return person


def _check_number(person, number):
    if number is None:
        return
    if len(number) > NUMBER_LENGTH:
        raise RuleViolation(lazy_ngettext("Use at most %(num)d character.", "Use at most %(num)d characters.",
                                          NUMBER_LENGTH), "employee_number")
    taken = db.session.scalar(select(User.id).where(User.company_id == person.company_id,
                                                    User.employee_number == number, User.id != person.id))
    if taken is not None:
        raise RuleViolation(_l("Another person in your company has this employee number."), "employee_number")


def _find_manager(person, actor, email):
    email = normalize_email(email)
    if not email:
        return None
    manager = db.session.scalar(select(User).where(User.email == email, User.company_id == actor.company_id,
                                                   User.is_active.is_(True), *visible_employees()))
    if manager is None:
        raise RuleViolation(_l("No active person of your company has this e-mail address."), "manager_email")
    if manager.id == person.id:
        raise RuleViolation(_l("A person cannot be their own manager."), "manager_email")
    return manager


def _own_groups(actor, group_ids):
    ids = set(group_ids or ())
    if not ids:
        return []
    found = list(db.session.scalars(select(Group).where(Group.id.in_(ids), Group.company_id == actor.company_id)))
    if len(found) != len(ids):
        raise RuleViolation(_l("Choose one of the offered options."), "group_ids")
    return found


def deactivate_person(person, *, actor, now=None):
    """The person can no longer log in (their sessions end at once); their records are kept."""
    if person.id == actor.id:
        raise RuleViolation(NOT_YOURSELF)
    if not person.is_active:
        return person
    if person.role == COMPANY_ADMIN:
        _keep_an_admin(actor, leaving=person)
    person.is_active, person.deactivated_at = False, now or utcnow()
    revoke_all_sessions(person)
    db.session.flush()
    record_event("user.deactivated", actor=actor, subject=person)
    people_changed.send(person.company_id, user_ids=[person.id], actor=actor)
    return person


def reactivate_person(person, *, actor):
    if person.is_active:
        return person
    person.is_active, person.deactivated_at = True, None
    db.session.flush()
    record_event("user.reactivated", actor=actor, subject=person)
    people_changed.send(person.company_id, user_ids=[person.id], actor=actor)
    return person


def appoint_admin(person, *, actor):
    """Give a trainee of the company the company admin's rights."""
    if person.role == COMPANY_ADMIN:
        return person
    if person.role != TRAINEE or not person.is_active:
        raise RuleViolation(_l("Only an active trainee of your company can become a company admin."))
    person.role = COMPANY_ADMIN
    db.session.flush()
    if twostep.is_required(person) and not person.has_two_step:
        revoke_all_sessions(person)  # they enrol for two-step login before they use the new rights
    record_event("employee.admin_appointed", actor=actor, subject=person)
    return person


def revoke_admin(person, *, actor):
    """The company admin becomes a trainee again; their training record stays."""
    if person.id == actor.id:
        raise RuleViolation(NOT_YOURSELF)
    if person.role != COMPANY_ADMIN:
        return person
    _keep_an_admin(actor, leaving=person)
    person.role = TRAINEE
    db.session.flush()
    record_event("employee.admin_revoked", actor=actor, subject=person)
    return person


def _keep_an_admin(actor, *, leaving):
    """RuleViolation unless another active admin remains; two admins removing each other at once stop at the
    company's row lock, so the second sees the first one's change."""
    lock(get_own_company(actor))
    others = db.session.scalar(select(func.count(User.id)).where(
        User.company_id == leaving.company_id, User.role == COMPANY_ADMIN, User.is_active.is_(True),
        User.id != leaving.id, *visible_employees()))
    if not others:
        raise RuleViolation(LAST_ADMIN)
