import re

from playwright.sync_api import expect

from tests.factories import PASSWORD, make_company, make_user


def test_trainee_logs_in_switches_language_and_logs_out(page, screenshot):
    user = make_user(company=make_company(name="Acme Logistics"), first_name="Anna", language="nl")
    page.goto("/login")
    page.get_by_label("E-mailadres").fill(user.email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Aanmelden").click()
    expect(page).to_have_url(re.compile(r"/dashboard$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Anna")
    screenshot(page, "login-dashboard-nl")

    page.get_by_role("button", name="Français").click()
    expect(page.locator("html")).to_have_attribute("lang", "fr")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bienvenue")
    screenshot(page, "login-dashboard-fr")

    page.locator(".nav-account summary").click()  # the account menu holds the personal pages and "Log out"
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("link", name="Se connecter").first).to_be_visible()
