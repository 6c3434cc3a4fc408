"""A walk through every role's main pages on a 390 px phone, in Dutch and French, with the demo data.

Each page answers with its heading and nothing sticks out sideways (no horizontal scrolling of the page).
Screenshots land in test-artifacts/tour-<language>-<role>-<page>.png.
"""

import pytest
from flask_babel import force_locale, gettext
from playwright.sync_api import expect
from sqlalchemy import update

from oscart.accounts.models import User
from oscart.core.demo import DEMO_PASSWORD, seed_demo
from oscart.core.extensions import db

PHONE = {"width": 390, "height": 844}

# Per demo account: (path, heading msgid, placeholders). Globex requires two-step login for its admins,
# so Acme's admin stands for the company admins.
TOUR = {
    "anna@acme.example": [
        ("/dashboard", "Welcome, %(name)s", {"name": "Anna"}),
        ("/training/", "Course catalogue", {}),
        ("/classroom/mine", "My sessions", {}),
        ("/certificates/", "My certificates", {}),
        ("/account/", "My account", {}),
        ("/privacy/me", "My privacy", {}),
    ],
    "trainer@oscart.example": [
        ("/dashboard", "Welcome, %(name)s", {"name": "Thomas"}),
        ("/classroom/teach", "Sessions and attendance", {}),
        ("/training/manage/", "Course authoring", {}),
    ],
    "hr@acme.example": [
        ("/company/", None, {}),
        ("/company/employees", "Employees", {}),
        ("/classroom/", "Classroom sessions", {}),
        ("/classroom/attendance", "Attendance records", {}),
        ("/certificates/company", "Certificates of your employees", {}),
        ("/training/company/assign", "Assign courses", {}),
        ("/training/company/news", "News for your employees", {}),
        ("/audit/", "Audit trail", {}),
    ],
    "admin@oscart.example": [
        ("/admin/", "Administration", {}),
        ("/admin/companies", "Companies", {}),
        ("/admin/users", "Users", {}),
        ("/certificates/manage", "Certificates", {}),
        ("/admin/privacy/", "Privacy requests", {}),
        ("/audit/", "Audit trail", {}),
    ],
}


@pytest.mark.parametrize("language", ["nl", "fr"])
def test_every_role_tours_its_main_pages_on_a_phone(new_page, screenshot, language):
    seed_demo()
    db.session.execute(update(User).values(language=language))
    db.session.commit()
    for email, pages in TOUR.items():
        page = new_page(viewport=PHONE, locale=f"{language}-BE")
        page.goto("/login")
        page.locator("#email").fill(email)
        page.locator("#password").fill(DEMO_PASSWORD)
        page.locator("main form button[type=submit]").first.click()
        expect(page.locator(".nav-account summary")).to_be_visible()
        role = email.split("@")[0]
        for path, heading, values in pages:
            response = page.goto(path)
            assert response.status == 200, (email, path)
            expect(page.locator("html")).to_have_attribute("lang", language)
            if heading:
                with force_locale(language):
                    text = gettext(heading, **values)
                expect(page.get_by_role("heading", level=1)).to_have_text(text)
            else:
                expect(page.get_by_role("heading", level=1)).to_have_text("Acme Logistics")
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, (email, path, overflow)
            screenshot(page, f"tour-{language}-{role}-{path.strip('/').replace('/', '-') or 'home'}")
        # Every secondary page stays one tap away: the menus open and fit on the phone.
        for menu in page.locator(".nav-menu summary").all():
            menu.click()
        assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
        screenshot(page, f"tour-{language}-{role}-menus")
        page.locator(".nav-account").get_by_role("button").click()
        expect(page.locator(".nav-account")).to_have_count(0)
