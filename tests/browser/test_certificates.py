"""Certificates as people see them: HR's list with an expiring certificate, and the public check."""

import re
from datetime import UTC, datetime, time, timedelta

from playwright.sync_api import expect

from oscart.certificates import dates
from oscart.security import COMPANY_ADMIN
from tests.factories import PASSWORD, make_certificate, make_company, make_course, make_user


def test_hr_sees_expiring_certificate_and_assigns_refresher(page, screenshot):
    company = make_company(name="Acme Logistics")
    hr = make_user(role=COMPANY_ADMIN, company=company, language="en")
    course = make_course(titles={"en": "Working safely at height", "nl": "Veilig werken op hoogte"},
                         validity_months=12)
    soon = dates.add_months(dates.today() + timedelta(days=12), -12)
    make_certificate(make_user(company=company, first_name="Anna", last_name="Jansen", language="nl"), course,
                     completed_at=datetime.combine(soon, time(12), tzinfo=UTC))
    make_certificate(make_user(company=company, first_name="Pieter", last_name="Willems", language="en"), course)
    page.goto("/login")
    page.get_by_label("E-mail address").fill(hr.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.goto("/certificates/company")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Certificates of your employees")
    expect(page.locator("tr.cert-expiring")).to_contain_text("Jansen, Anna")
    screenshot(page, "certificates-company")
    page.locator("tr.cert-expiring").get_by_role("button", name="Assign refresher").click()
    expect(page.locator(".flash-success")).to_contain_text("refresher course has been assigned")


def test_public_check_of_a_certificate(page, screenshot):
    certificate = make_certificate(make_user(company=make_company(), first_name="Anna", last_name="Jansen"),
                                   make_course(titles={"nl": "Veilig werken op hoogte"}, validity_months=36))
    page.goto("/verify")
    page.get_by_label("Verificatiecode").fill(certificate.code.lower())
    page.get_by_role("button", name="Controleren").click()
    expect(page).to_have_url(re.compile(f"/verify/{certificate.code}$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("geldig")
    screenshot(page, "certificates-verify")
