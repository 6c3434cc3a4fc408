"""Companies: the customer companies (tenants), their people, groups, job roles and invitations.

The company admin's pages (the ``companies`` blueprint: company home, employees, invitations, training matrix)
combine training, classroom and certificates, so the workspace feature serves them."""

from oscart.core import personal_data
from oscart.core.demo import add_seeder


def init_app(app):
    from oscart.companies import demo as companies_demo
    from oscart.companies import demo_invitations

    personal_data.add_module("oscart.companies.privacy_data")
    # The demo companies and accounts come before every other feature's demo data.
    add_seeder("companies", companies_demo.seed, position=0)
    add_seeder("invitations", demo_invitations.seed, position=70)  # Acme's invitations waiting for an answer
