"""Demo data for trying the portal: idempotent, so running it twice changes nothing."""

from importlib import import_module

from sqlalchemy import select

from oscart.accounts.models import User
from oscart.companies.models import Company
from oscart.extensions import db
from oscart.security import COMPANY_ADMIN, PLATFORM_ADMIN, TRAINEE, TRAINER, hash_password

DEMO_PASSWORD = "Oscart-demo-2026"  # noqa: S105 - printed for trying the demo

COMPANIES = (
    {"name": "Acme Logistics", "vat_number": "BE0123456749", "default_language": "nl"},
    {"name": "Globex Foods", "vat_number": "BE0987654312", "default_language": "fr"},
)

# (email, first name, last name, role, company name, language)
ACCOUNTS = (
    ("admin@oscart.example", "Olivia", "Peeters", PLATFORM_ADMIN, None, "en"),
    ("trainer@oscart.example", "Thomas", "Dubois", TRAINER, None, "nl"),
    ("hr@acme.example", "Hilde", "Maes", COMPANY_ADMIN, "Acme Logistics", "nl"),
    ("hr@globex.example", "Henri", "Lambert", COMPANY_ADMIN, "Globex Foods", "fr"),
    ("anna@acme.example", "Anna", "Jansen", TRAINEE, "Acme Logistics", "nl"),
    ("bruno@globex.example", "Bruno", "Martin", TRAINEE, "Globex Foods", "fr"),
    ("pieter@acme.example", "Pieter", "Willems", TRAINEE, "Acme Logistics", "nl"),
    ("sofie@acme.example", "Sofie", "Claes", TRAINEE, "Acme Logistics", "en"),
    ("claire@globex.example", "Claire", "Leroy", TRAINEE, "Globex Foods", "fr"),
    ("jonas@globex.example", "Jonas", "Schmidt", TRAINEE, "Globex Foods", "de"),
)

# Feature modules that add their own demo data; each has seed(demo) and runs in this order. A module may also
# have prepare(), run before any seed(): the certificates' demo signer must exist before anything issues one.
FEATURE_SEEDERS = ("oscart.auth.demo", "oscart.training.demo", "oscart.certificates.demo", "oscart.classroom.demo",
                   "oscart.privacy.demo", "oscart.assignments.demo", "oscart.companies.demo")


class Demo:
    """What the core seeding created, handed to feature seeders."""

    def __init__(self):
        self.companies = {}
        self.users = {}

    def user(self, email):
        return self.users[email]


def seed_demo():
    demo = Demo()
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
    seeders = [import_module(module) for module in FEATURE_SEEDERS]
    for seeder in seeders:
        if hasattr(seeder, "prepare"):
            seeder.prepare()
    for seeder in seeders:
        seeder.seed(demo)
    return demo


def _get_or_create_company(data):
    company = db.session.scalar(select(Company).where(Company.name == data["name"]))
    if company is None:
        company = Company(**data)
        db.session.add(company)
    return company
