"""A company admin's view of the own company. Every query is scoped to the actor's company."""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import func, select

from oscart.accounts.models import User
from oscart.accounts.search import person_matches
from oscart.audit.services import record_event
from oscart.companies.models import TWO_STEP_POLICIES, Company, Invitation
from oscart.core.database import contains_pattern, utcnow
from oscart.core.exceptions import NotFound, RuleViolation
from oscart.core.extensions import db


def get_own_company(actor):
    company = db.session.get(Company, actor.company_id) if actor.company_id else None
    if company is None:
        raise NotFound()
    return company


def list_employees(actor, *, search=None):
    """Rows (not objects) of the actor's company's people, ordered by name."""
    query = (
        select(User.id, User.first_name, User.last_name, User.email, User.role, User.language,
               User.is_active, User.last_login_at)
        .where(User.company_id == actor.company_id, *visible_employees())
        .order_by(User.last_name, User.first_name, User.id)
    )
    if search:
        pattern = contains_pattern(search.strip().lower())
        query = query.where(person_matches(pattern, employee_number=False))
    return query


def get_employee(actor, user_id):
    """An employee of the actor's company; another company's id is NotFound, like a missing one."""
    user = db.session.scalar(select(User).where(User.id == user_id, User.company_id == actor.company_id,
                                                *visible_employees()))
    if user is None:
        raise NotFound()
    return user


def home_counts(actor):
    """The company home's figures in one query: active employees (as the employees list shows them by default)
    and invitations waiting for an answer (not expired)."""
    employees = select(func.count(User.id)).where(User.company_id == actor.company_id, User.is_active.is_(True),
                                                  *visible_employees()).scalar_subquery()
    invitations = select(func.count(Invitation.id)).where(
        Invitation.company_id == actor.company_id, Invitation.accepted_at.is_(None),
        Invitation.revoked_at.is_(None), Invitation.expires_at > utcnow()).scalar_subquery()
    return db.session.execute(select(employees.label("employees"), invitations.label("invitations"))).one()


def visible_employees():
    """Restricted and erased people are hidden from their company (privacy: storage only)."""
    return (User.is_restricted.is_(False), User.is_anonymised.is_(False))


MAX_REMINDER_DAYS = 60


def set_reminder_days(company, *, actor, days):
    """How many days before a due date the company's people are reminded (0: no reminder before it)."""
    if not isinstance(days, int) or isinstance(days, bool) or not 0 <= days <= MAX_REMINDER_DAYS:
        raise RuleViolation(lazy_ngettext("Enter a number of days from 0 to %(num)d.",
                                          "Enter a number of days from 0 to %(num)d.", MAX_REMINDER_DAYS), "days")
    if company.reminder_days_before != days:
        record_event("company.reminder_days", actor=actor, company_id=company.id,
                     before=company.reminder_days_before, after=days)
        company.reminder_days_before = days
    return company


def set_two_step_policy(company, *, actor, policy):
    """Who in ``company`` must use two-step login; those affected enrol at their next login."""
    if policy not in TWO_STEP_POLICIES:
        raise RuleViolation(_l("Choose one of the offered options."), "policy")
    if company.two_step_policy != policy:
        record_event("company.two_step_policy", actor=actor, company_id=company.id,
                     before=company.two_step_policy, after=policy)
        company.two_step_policy = policy
    return company
