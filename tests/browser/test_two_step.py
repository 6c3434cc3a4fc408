import re
import time

import pyotp
from playwright.sync_api import expect

from tests.factories import PASSWORD, make_company, make_user


def test_enrolling_in_two_step_then_logging_in_with_a_code(new_page, screenshot):
    page = new_page(locale="en-GB", viewport={"width": 1280, "height": 860})
    user = make_user(company=make_company(name="Acme Logistics"), first_name="Anna", language="en")
    page.goto("/login")
    page.locator("#email").fill(user.email)
    page.locator("#password").fill(PASSWORD)
    page.locator("form button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/dashboard$"))

    page.goto("/account/security/")
    screenshot(page, "security-page")
    page.get_by_role("link", name="Turn on two-step authentication").click()
    page.locator("#password").fill(PASSWORD)
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("svg").first).to_be_visible()
    screenshot(page, "two-step-setup")
    secret = page.locator("#two-step-secret").inner_text().replace(" ", "")
    page.locator("#code").fill(pyotp.TOTP(secret).now())
    page.get_by_role("button", name="Turn on two-step authentication").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    screenshot(page, "two-step-recovery-codes")
    page.get_by_role("link", name="I have saved my codes").click()
    expect(page.locator(".badge-ok").first).to_have_text("On")

    page.locator(".nav-account summary").click()  # the account menu holds the personal pages and "Log out"
    page.get_by_role("button", name="Log out", exact=True).click()
    page.goto("/login")
    page.locator("#email").fill(user.email)
    page.locator("#password").fill(PASSWORD)
    page.locator("form button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/login/two-step$"))
    screenshot(page, "two-step-login")
    # The enrolment used the current step's code, which never works twice: use the next step's
    # code, which the ±1 step window accepts.
    page.locator("#code").fill(pyotp.TOTP(secret).at(time.time() + 30))
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(re.compile(r"/dashboard$"))
