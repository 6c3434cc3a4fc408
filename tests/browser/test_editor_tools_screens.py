"""The course editor's tools in a real browser, on a desktop and a 360 px phone: a lesson's preview (no
JavaScript needed), duplicating a course and moving questions in the bank. Screenshots in test-artifacts/."""

from playwright.sync_api import expect

from oscart.core.security import PLATFORM_ADMIN
from tests.browser.test_classroom_journey import login
from tests.factories import lesson_ids, make_elearning_course, make_user

VIEWPORTS = (("desktop", {"width": 1280, "height": 860}), ("phone", {"width": 360, "height": 780}))


def test_lesson_preview_without_javascript(new_page, screenshot):
    course = make_elearning_course(status="draft", lessons=1, titles={"nl": "Magazijn"})
    admin = make_user(role=PLATFORM_ADMIN, language="nl")
    url = f"/training/manage/{course.id}/lessons/{lesson_ids(course)[0]}/nl"
    for name, viewport in VIEWPORTS:
        page = new_page(viewport=viewport, java_script_enabled=False)
        login(page, admin.email)
        page.goto(url)
        page.locator("#body_source").fill("## Veilig heffen\n\n* Buig de **knieën**\n* Houd de last dicht bij u"
                                          "\n\n<script>alert(1)</script>")
        page.get_by_role("button", name="Voorbeeld").click()
        preview = page.locator(".lesson-preview")
        expect(preview.locator("strong")).to_have_text("knieën")
        expect(page.locator("#body_source")).to_contain_text("<script>alert(1)</script>")
        screenshot(page, f"editor-lesson-preview-{name}")


def test_duplicate_a_course(new_page, screenshot):
    admin = make_user(role=PLATFORM_ADMIN, language="nl")
    for name, viewport in VIEWPORTS:
        course = make_elearning_course(status="published", lessons=2, titles={"nl": f"Heffen {name}"})
        page = new_page(viewport=viewport)
        login(page, admin.email)
        page.goto(f"/training/manage/{course.id}")
        expect(page.locator("#copy-code")).to_have_value(f"{course.code}-2")
        screenshot(page, f"editor-course-duplicate-{name}")
        page.get_by_role("button", name="Opleiding kopiëren").click()
        expect(page.locator(".flash")).to_contain_text("De opleiding is gekopieerd")
        expect(page.get_by_role("heading", level=1)).to_contain_text(f"{course.code}-2")
        screenshot(page, f"editor-course-duplicated-{name}")


def test_move_questions_without_javascript(new_page, screenshot):
    admin = make_user(role=PLATFORM_ADMIN, language="nl")
    quiz = {"nl": [("Wat draagt u in het magazijn?", ["Veiligheidsschoenen", "Slippers"], 0),
                   ("Hoe heft u een doos?", ["Met rechte rug", "Met kromme rug"], 0)]}
    for name, viewport in VIEWPORTS:
        course = make_elearning_course(status="draft", lessons=1, titles={"nl": "Magazijn"}, quiz=dict(quiz))
        page = new_page(viewport=viewport, java_script_enabled=False)
        login(page, admin.email)
        page.goto(f"/training/manage/{course.id}/quiz")
        page.get_by_role("button", name="Vraag 2 omhoog").click()
        expect(page.locator(".question-row strong").first).to_have_text("Hoe heft u een doos?")
        screenshot(page, f"editor-quiz-moved-{name}")


def test_drag_a_lesson_to_another_place(new_page, screenshot):
    admin = make_user(role=PLATFORM_ADMIN, language="nl")
    course = make_elearning_course(status="draft", lessons=3, titles={"nl": "Magazijn"})
    page = new_page(viewport=VIEWPORTS[0][1])
    login(page, admin.email)
    page.goto(f"/training/manage/{course.id}/editor")
    rows = page.locator("tbody[data-reorder] tr[data-move-url]")
    expect(rows.first.locator(".drag-handle")).to_be_visible()
    rows.nth(2).drag_to(rows.nth(0), target_position={"x": 20, "y": 3})
    expect(page.locator(".flash")).to_contain_text("De volgorde is bewaard")
    expect(rows.first.locator("th")).to_contain_text("1. Les 3 nl")
    expect(rows.nth(1).locator("th")).to_contain_text("2. Les 1 nl")
    screenshot(page, "editor-lesson-dragged-desktop")


def test_a_phone_moves_lessons_with_the_buttons_and_shows_no_drag_handle(new_page):
    admin = make_user(role=PLATFORM_ADMIN, language="nl")
    course = make_elearning_course(status="draft", lessons=2, titles={"nl": "Magazijn"})
    page = new_page(viewport=VIEWPORTS[1][1], is_mobile=True, has_touch=True)
    login(page, admin.email)
    page.goto(f"/training/manage/{course.id}/editor")
    rows = page.locator("tbody[data-reorder] tr[data-move-url]")
    expect(rows.first.locator(".drag-handle")).to_be_hidden()
    rows.nth(1).get_by_role("button", name="Naar boven").tap()
    expect(page.locator(".flash")).to_contain_text("De volgorde is bewaard")
    expect(rows.first.locator("th")).to_contain_text("1. Les 2 nl")
