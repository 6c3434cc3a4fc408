"""Platform administration: companies and user accounts."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from oscart.accounts.models import User
from oscart.accounts.search import person_matches
from oscart.audit.services import record_event
from oscart.auth.reset import make_reset_token, reset_url
from oscart.auth.services import revoke_all_sessions
from oscart.companies.models import Company
from oscart.core.database import contains_pattern, get_or_raise
from oscart.core.exceptions import RuleViolation
from oscart.core.extensions import db
from oscart.core.i18n import is_language
from oscart.core.security import COMPANY_ADMIN, ROLES, TRAINEE, normalize_email
from oscart.mail.services import mail_user

ROLES_WITH_COMPANY = (TRAINEE, COMPANY_ADMIN)


def get_company(company_id):
    return get_or_raise(Company, company_id)


def list_companies():
    """Companies with their number of users, in one query."""
    users = select(func.count(User.id)).where(User.company_id == Company.id).scalar_subquery()
    return select(Company, users.label("user_count")).order_by(Company.name)


def _check_company_name(name, company=None):
    query = select(Company.id).where(func.lower(Company.name) == name.strip().lower())
    if company is not None:
        query = query.where(Company.id != company.id)
    if db.session.scalar(query) is not None:
        raise RuleViolation(_l("A company with this name already exists."), "name")


def save_company(company, *, actor, name, vat_number, default_language, is_active):
    """Create (``company`` None) or update a company."""
    _check_company_name(name, company)
    if not is_language(default_language):
        raise RuleViolation(_l("Choose one of the offered languages."), "default_language")
    created = company is None
    if created:
        company = Company()
        db.session.add(company)
    company.name = name.strip()
    company.vat_number = (vat_number or "").strip() or None
    company.default_language = default_language
    company.is_active = is_active
    db.session.flush()
    record_event("company.created" if created else "company.updated", actor=actor, company_id=company.id,
                 target=company.name)
    return company


def get_user(user_id):
    return get_or_raise(User, user_id)


def list_users(*, search=None, company_id=None, role=None):
    query = (
        select(User.id, User.email, User.first_name, User.last_name, User.role, User.is_active,
               User.locked_until, User.is_restricted, User.is_anonymised, Company.name.label("company_name"))
        .outerjoin(Company, Company.id == User.company_id)
        .order_by(User.last_name, User.first_name, User.id)
    )
    if search:
        pattern = contains_pattern(search.strip().lower())
        query = query.where(person_matches(pattern, employee_number=False))
    if company_id:
        query = query.where(User.company_id == company_id)
    if role:
        query = query.where(User.role == role)
    return query


def _check_user_fields(user, email, role, company_id, language):
    if role not in ROLES:
        raise RuleViolation(_l("Choose one of the offered roles."), "role")
    if role in ROLES_WITH_COMPANY and not company_id:
        raise RuleViolation(_l("Trainees and company admins belong to a company."), "company_id")
    if company_id and db.session.get(Company, company_id) is None:
        raise RuleViolation(_l("Choose one of the offered companies."), "company_id")
    if not is_language(language):
        raise RuleViolation(_l("Choose one of the offered languages."), "language")
    query = select(User.id).where(User.email == email)
    if user is not None:
        query = query.where(User.id != user.id)
    if db.session.scalar(query) is not None:
        raise RuleViolation(_l("Another account already uses this e-mail address."), "email")


def create_user(*, actor, email, first_name, last_name, role, company_id, language):
    """Create an account and mail its owner a link to choose a password."""
    email = normalize_email(email)
    _check_user_fields(None, email, role, company_id, language)
    user = User(email=email, first_name=first_name.strip(), last_name=last_name.strip(), role=role,
                company_id=company_id or None, language=language)
    db.session.add(user)
    db.session.flush()
    mail_user(user, "welcome", _l("Welcome to the Oscart training portal"),
              link=reset_url(make_reset_token(user, purpose="invite")))
    record_event("user.created", actor=actor, subject=user, role=role)
    return user


def update_user(user, *, actor, email, first_name, last_name, role, company_id, language, is_active):
    email = normalize_email(email)
    company_id = company_id or None
    _check_user_fields(user, email, role, company_id, language)
    if user.id == actor.id and (role != user.role or not is_active):
        raise RuleViolation(_l("You cannot change your own role or deactivate yourself."), "role")
    if user.role != role or user.company_id != company_id:
        record_event("user.role_changed", actor=actor, subject=user,
                     before={"role": user.role, "company_id": user.company_id},
                     after={"role": role, "company_id": company_id})
    if user.is_active and not is_active:
        revoke_all_sessions(user)
        record_event("user.deactivated", actor=actor, subject=user)
    elif not user.is_active and is_active:
        record_event("user.reactivated", actor=actor, subject=user)
    user.email, user.first_name, user.last_name = email, first_name.strip(), last_name.strip()
    user.role, user.company_id, user.language, user.is_active = role, company_id, language, is_active
    return user


def unlock_user(user, *, actor):
    user.locked_until = None
    user.failed_login_count = 0
    record_event("user.unlocked", actor=actor, subject=user)
    return user
