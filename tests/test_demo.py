"""`flask seed-demo`: idempotent demo data whose accounts log in and land on the page of their role."""

import pytest
from sqlalchemy import func, select

from oscart.accounts.models import User
from oscart.companies.models import Company
from oscart.core.demo import DEMO_PASSWORD
from oscart.core.extensions import db


def counts():
    return (db.session.scalar(select(func.count(User.id))), db.session.scalar(select(func.count(Company.id))))


def test_seed_demo_is_idempotent_and_prints_the_accounts(runner):
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert DEMO_PASSWORD in first.output and "admin@oscart.example" in first.output
    before = counts()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    assert counts() == before
    names = set(db.session.scalars(select(Company.name)))
    assert {"Acme Logistics", "Globex Foods"} <= names


@pytest.mark.parametrize(("email", "landing"), [
    ("admin@oscart.example", "/admin/"),
    ("trainer@oscart.example", "/classroom/teach"),
    ("hr@acme.example", "/company/"),
    # Globex requires two-step authentication for its admins: enrol first.
    ("hr@globex.example", "/login/two-step/setup"),
    ("anna@acme.example", "/dashboard"),
    ("bruno@globex.example", "/dashboard"),
])
def test_demo_accounts_log_in_and_land_on_their_page(runner, browser, email, landing):
    runner.invoke(args=["seed-demo"])
    response = browser.login(email, DEMO_PASSWORD)
    assert response.status_code == 302
    assert response.headers["Location"] == landing
    assert browser.get(landing).status_code == 200


def test_demo_trainee_bruno_sees_french(runner, browser):
    runner.invoke(args=["seed-demo"])
    browser.login("bruno@globex.example", DEMO_PASSWORD)
    page = browser.get("/dashboard").text
    assert 'lang="fr"' in page and "Bienvenue, Bruno" in page
