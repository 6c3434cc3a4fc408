"""The company audit trail: own company only, filters, pages and a spreadsheet-safe CSV export."""

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import update

from oscart.audit.models import AuditEvent
from oscart.audit.services import record_event
from oscart.core.database import utcnow
from oscart.core.extensions import db
from oscart.core.security import COMPANY_ADMIN, PLATFORM_ADMIN
from tests.factories import make_company, make_user


@pytest.fixture
def world():
    acme, globex = make_company(name="Acme"), make_company(name="Globex")
    hr = make_user(role=COMPANY_ADMIN, company=acme, language="en", email="hr@acme.test")
    anna = make_user(company=acme, email="anna@acme.test")
    piet = make_user(company=acme, email="piet@acme.test")
    bruno = make_user(company=globex, email="bruno@globex.test")
    record_event("login.failed", subject=anna, reason="password")
    record_event("login.locked", subject=anna, minutes=15)
    record_event("user.role_changed", actor=hr, subject=piet, before="trainee", after="company_admin")
    record_event("login.failed", subject=bruno, reason="password")
    record_event("profile.updated", actor=anna, subject=anna, after={"first_name": "=HYPERLINK(\"x\")"})
    db.session.commit()
    return {"hr": hr, "anna": anna, "bruno": bruno, "acme": acme, "globex": globex}


def test_company_admin_sees_only_own_company(browser, world):
    browser.login(world["hr"].email)
    page = browser.get("/audit/").text
    assert "anna@acme.test" in page
    assert "bruno@globex.test" not in page


def test_platform_admin_sees_all_companies(browser, world):
    browser.login(make_user(role=PLATFORM_ADMIN, language="en").email)
    page = browser.get("/audit/").text
    assert "anna@acme.test" in page and "bruno@globex.test" in page


@pytest.mark.parametrize("query, shown, hidden", [
    ("?person=piet", ["Role changed"], ["Account locked"]),
    ("?action=login.locked", ["Account locked"], ["Role changed"]),
])
def test_filters_by_person_and_action(browser, world, query, shown, hidden):
    browser.login(world["hr"].email)
    page = browser.get("/audit/" + query).text
    for text in shown:
        assert text in page
    for text in hidden:
        assert text not in page.split("<tbody>")[1]


def test_filter_by_date_range(browser, world):
    old = utcnow() - timedelta(days=10)
    db.session.execute(update(AuditEvent).where(AuditEvent.action == "login.locked").values(at=old))
    db.session.commit()
    browser.login(world["hr"].email)
    day = old.date().isoformat()
    body = browser.get(f"/audit/?date_from={day}&date_to={day}").text.split("<tbody>")[1]
    assert "Account locked" in body and "Role changed" not in body


def test_pages_of_fifty(browser, world):
    for _ in range(60):
        record_event("login.failed", subject=world["anna"])
    db.session.commit()
    browser.login(world["hr"].email)
    first = browser.get("/audit/").text
    assert first.split("<tbody>")[1].count("<tr>") == 50
    assert "Page 1 of 2" in first
    # 65 events: the five of the fixture, the sixty above, and the admin's own sign-in.
    assert browser.get("/audit/?page=2").text.split("<tbody>")[1].count("<tr>") == 15


@pytest.mark.parametrize(("who", "query"), [("hr", ""), ("admin", ""), ("hr", "?person=anna&action=login.failed"),
                                           ("admin", "?company=1&date_from=2020-01-01&date_to=2099-01-01&page=2")])
def test_list_runs_a_fixed_number_of_queries(browser, world, count_queries, who, query):
    if who == "admin":
        world["admin"] = make_user(role=PLATFORM_ADMIN, language="en")
    browser.login(world[who].email)
    browser.get("/audit/")  # the first page after login also checks the privacy statement version once
    with count_queries() as small:
        browser.get(f"/audit/{query}")
    for _ in range(40):
        record_event("login.failed", company_id=world["acme"].id, subject=world["anna"])
    make_company()
    db.session.commit()
    with count_queries() as large:
        page = browser.get(f"/audit/{query}").text
    assert large.count == small.count
    actions = page.split('name="action"', 1)[1].split("</select>", 1)[0]
    assert actions.count('value="login.failed"') == 1  # each action once in the menu


def test_csv_export_is_scoped_filtered_and_neutralises_formulas(browser, world):
    browser.login(world["hr"].email)
    response = browser.get("/audit/export.csv?person=anna")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.text.lstrip("\ufeff"))))
    assert rows[0][1] == "Action"
    actions = [row[1] for row in rows[1:]]
    assert sorted(actions) == ["login.failed", "login.locked", "profile.updated"]
    assert all("globex" not in ",".join(row) for row in rows)
    details = next(row[7] for row in rows if row[1] == "profile.updated")
    assert "=HYPERLINK" in details and not details.startswith("=")


def test_export_is_itself_audited(browser, world):
    browser.login(world["hr"].email)
    browser.get("/audit/export.csv")
    assert db.session.scalar(db.select(AuditEvent.company_id).where(AuditEvent.action == "audit.exported")) \
        == world["acme"].id


@pytest.mark.parametrize("role", ["trainee", "trainer"])
def test_others_cannot_read_the_audit_trail(browser, world, role):
    browser.login(make_user(role=role, company=world["acme"] if role == "trainee" else None).email)
    assert browser.get("/audit/").status_code == 403
    assert browser.get("/audit/export.csv").status_code == 403
