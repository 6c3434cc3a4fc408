"""Certificates as people see them: HR's list with an expiring certificate, and the public check."""

import re
from datetime import UTC, datetime, time, timedelta

from playwright.sync_api import expect

from oscart.certificates import dates
from oscart.core import local_time
from oscart.core.security import COMPANY_ADMIN
from tests.factories import PASSWORD, make_certificate, make_company, make_course, make_user


def log_in(page, email):
    # By field name: the login page's own wording belongs to (and is tested by) the auth feature.
    page.goto("/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.locator("form:has(#password) button[type=submit]").click()
    expect(page).not_to_have_url(re.compile(r"/login"))


def test_hr_sees_expiring_certificate_and_assigns_refresher(page, screenshot):
    company = make_company(name="Acme Logistics")
    hr = make_user(role=COMPANY_ADMIN, company=company, language="en")
    course = make_course(titles={"en": "Working safely at height", "nl": "Veilig werken op hoogte"},
                         validity_months=12)
    soon = dates.add_months(local_time.today() + timedelta(days=12), -12)
    make_certificate(make_user(company=company, first_name="Anna", last_name="Jansen", language="nl"), course,
                     completed_at=datetime.combine(soon, time(12), tzinfo=UTC))
    make_certificate(make_user(company=company, first_name="Pieter", last_name="Willems", language="en"), course)
    log_in(page, hr.email)
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


def test_trainee_downloads_own_certificate(page, screenshot):
    trainee = make_user(company=make_company(), first_name="Anna", last_name="Jansen", language="nl")
    make_certificate(trainee, make_course(titles={"nl": "Veilig werken op hoogte"}, validity_months=36))
    log_in(page, trainee.email)
    page.goto("/certificates/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Mijn certificaten")
    screenshot(page, "certificates-mine")
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Pdf downloaden")).click()
    assert download.value.suggested_filename.endswith("_Veilig-werken-op-hoogte_Jansen-Anna.pdf")
