"""The privacy administration with demo data, on a desktop and a phone (screenshots to look at)."""

import pytest
from playwright.sync_api import expect

from oscart.core.demo import DEMO_PASSWORD, seed_demo
from oscart.core.extensions import db

SCREENS = [("/admin/privacy/", "Privacy requests"), ("/admin/privacy/statement", "Statement versions"),
           ("/admin/privacy/campaigns/1", "Campaign"), ("/admin/privacy/retention", "Retention"),
           ("/admin/privacy/incidents/1", "Deelnemerslijst"), ("/admin/privacy/incidents/new", "Record an incident")]


@pytest.mark.parametrize("width", [1280, 390])
def test_admin_privacy_screens(new_page, screenshot, width):
    seed_demo()
    db.session.commit()
    page = new_page(locale="en-GB", viewport={"width": width, "height": 900})
    page.goto("/login")
    page.locator("#email").fill("admin@oscart.example")
    page.locator("#password").fill(DEMO_PASSWORD)
    page.locator("form:has(#email) button[type=submit]").click()
    for number, (path, heading) in enumerate(SCREENS):
        page.goto(path)
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        screenshot(page, f"privacy-admin-{width}-{number}")
