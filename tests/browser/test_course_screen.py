"""The course screen in a real browser without JavaScript, on a desktop and a 360 px phone: four languages typed
and saved in one submission, an error in one language that loses nothing, each language's state, and two authors saving
the same course. Screenshots in test-artifacts/."""

from playwright.sync_api import expect

from oscart.core.security import PLATFORM_ADMIN
from tests.browser.test_classroom_journey import login
from tests.factories import make_elearning_course, make_user

VIEWPORTS = (("desktop", {"width": 1280, "height": 860}), ("phone", {"width": 360, "height": 780}))
TITLES = {"nl": "Veilig heffen", "fr": "Soulever en sécurité", "de": "Sicher heben", "en": "Lifting safely"}


def test_four_languages_in_one_submission(new_page, screenshot):
    admin = make_user(role=PLATFORM_ADMIN, language="nl")
    for name, viewport in VIEWPORTS:
        course = make_elearning_course(status="draft", lessons=1, titles={"nl": "Heffen"})
        page = new_page(viewport=viewport, java_script_enabled=False)
        login(page, admin.email)
        page.goto(f"/training/manage/{course.id}")
        for code, title in TITLES.items():
            block = page.locator(f"#texts-{code}")
            if block.get_attribute("open") is None:
                block.locator("summary").click()
            block.locator(f"#summary_{code}").fill(f"{title}: wat u leert")
            block.locator(f"#objectives_{code}").fill(f"{title} 1\n{title} 2")
            if code != "de":
                block.locator(f"#title_{code}").fill(title)
        page.get_by_role("button", name="Opleiding bewaren").click()
        german = page.locator("#texts-de")
        expect(german.locator(".field-error")).to_contain_text("Geef deze teksten ook een titel")
        expect(page.locator("#summary_fr")).to_have_value("Soulever en sécurité: wat u leert")
        screenshot(page, f"editor-course-screen-error-{name}")
        german.locator("#title_de").fill(TITLES["de"])
        page.get_by_role("button", name="Opleiding bewaren").click()
        expect(page.locator(".flash")).to_contain_text("De opleiding is bewaard")
        strip = page.locator(".language-status")
        expect(strip).to_contain_text("1 les ontbreekt")  # the lesson exists in Dutch only
        expect(page.locator("#texts-en .language-title")).to_contain_text("Ontbreekt")
        screenshot(page, f"editor-course-screen-{name}")
        page.goto(f"/training/manage/{course.id}/editor")
        expect(page.locator(".language-status")).to_contain_text("Volledig")
        screenshot(page, f"editor-course-overview-{name}")


def test_two_authors_saving_the_same_course(new_page, screenshot):
    admin = make_user(role=PLATFORM_ADMIN, language="nl")
    for name, viewport in VIEWPORTS:
        course = make_elearning_course(status="draft", lessons=1, titles={"nl": "Heffen", "fr": "Soulever"})
        first, second = (new_page(viewport=viewport, java_script_enabled=False) for _ in range(2))
        for page in (first, second):
            login(page, admin.email)
            page.goto(f"/training/manage/{course.id}")
        second.locator("#title_fr").fill("Soulever des charges")
        second.get_by_role("button", name="Opleiding bewaren").click()
        first.locator("#summary_nl").fill("Mijn samenvatting")
        first.get_by_role("button", name="Opleiding bewaren").click()
        expect(first.locator(".flash-error")).to_contain_text("Soulever des charges")
        expect(first.locator("#summary_nl")).to_have_value("Mijn samenvatting")
        screenshot(first, f"editor-course-screen-conflict-{name}")
        first.get_by_role("button", name="Opleiding bewaren").click()
        expect(first.locator(".flash")).to_contain_text("De opleiding is bewaard")
