"""Demo data for trying the portal: idempotent, so running it twice changes nothing.

The accounts and companies below are the contract of the README (§4 of the design); the features create them and
everything else in the seeders they add with ``add_seeder`` in their ``init_app``.
"""

from dataclasses import dataclass

import click
from flask.cli import with_appcontext

from oscart.core.extensions import db
from oscart.core.security import COMPANY_ADMIN, PLATFORM_ADMIN, TRAINEE, TRAINER

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



@dataclass(frozen=True)
class Seeder:
    """``seed(demo)`` adds a feature's demo data; ``prepare()`` runs before any seed() (the certificates' demo
    signer must exist before anything issues one); ``report(demo)`` returns lines `flask seed-demo` prints."""

    name: str
    seed: object
    prepare: object = None
    report: object = None


# (position, seeder) by name: seeders run by position; companies and accounts come first, then the features.
_seeders = {}


def add_seeder(name, seed, *, position, prepare=None, report=None):
    _seeders[name] = (position, Seeder(name, seed, prepare, report))


def seeders():
    return [seeder for _position, seeder in sorted(_seeders.values(), key=lambda item: item[0])]


class Demo:
    """What the seeders created so far, handed from one to the next."""

    def __init__(self):
        self.companies = {}
        self.users = {}

    def user(self, email):
        return self.users[email]


def seed_demo():
    demo = Demo()
    ordered = seeders()
    for seeder in ordered:
        if seeder.prepare:
            seeder.prepare()
    for seeder in ordered:
        seeder.seed(demo)
    return demo


@click.command("seed-demo")
@with_appcontext
def seed_demo_command():
    """Load demo companies, accounts, courses, sessions and certificates (safe to run again)."""
    demo = seed_demo()
    db.session.commit()
    click.echo("Demo data is ready. Demo accounts:")
    for email, _first, _last, role, company, language in ACCOUNTS:
        click.echo(f"  {email:<24} {role:<15} {company or 'Oscart Group':<15} {language}")
    click.echo(f"Password of every demo account: {DEMO_PASSWORD}")
    for seeder in seeders():
        for line in seeder.report(demo) if seeder.report else ():
            click.echo(line)
