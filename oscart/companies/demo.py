"""Demo data: the two customer companies and every demo account (oscart.core.demo.ACCOUNTS)."""

from sqlalchemy import select

from oscart.accounts.models import User
from oscart.companies.models import Company
from oscart.core.demo import ACCOUNTS, COMPANIES, DEMO_PASSWORD
from oscart.core.extensions import db
from oscart.core.security import hash_password


def seed(demo):
    for data in COMPANIES:
        demo.companies[data["name"]] = _get_or_create_company(data)
    db.session.flush()
    password_hash = None
    for email, first, last, role, company, language in ACCOUNTS:
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            password_hash = password_hash or hash_password(DEMO_PASSWORD)
            user = User(email=email, first_name=first, last_name=last, role=role, language=language,
                        company_id=demo.companies[company].id if company else None, password_hash=password_hash)
            db.session.add(user)
        demo.users[email] = user
    db.session.flush()


def _get_or_create_company(data):
    company = db.session.scalar(select(Company).where(Company.name == data["name"]))
    if company is None:
        company = Company(**data)
        db.session.add(company)
    return company
