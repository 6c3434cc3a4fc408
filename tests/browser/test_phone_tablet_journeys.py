"""A trainee's day on a phone and a trainer's on a tablet.

Phone (390 × 844): a trainee registers for a session, gets its calendar file, subscribes to the personal calendar
feed (fetched without a login and read with an iCalendar parser), finishes a course and lands on the certificate;
My certificates shows cards. Tablet (820 × 1180): the trainer lands on 'now', opens the running part's sheet and
shows the check-in code; the trainee, on a phone in a second browser, opens the check-in address and taps
'I am here'; the sheet shows the arrival; another trainee signs on the tablet, and the sign-in PDF holds the
signature image. axe finds no serious or critical violation on these pages, and none scrolls sideways at 360 px.
"""

import io
import re
from datetime import timedelta

import pytest
from icalendar import Calendar
from PIL import Image, ImageDraw
from playwright.sync_api import expect
from pypdf import PdfReader

from oscart.classroom import checkin
from oscart.classroom.sessions import session_parts
from oscart.core.database import utcnow
from oscart.core.extensions import db
from tests.browser.conftest import ARTIFACTS
from tests.classroom_helpers import make_world
from tests.factories import PASSWORD, lesson_ids, make_elearning_course, make_registration, make_training_session

axe_sync = pytest.importorskip("axe_playwright_python.sync_playwright")

PHONE = {"width": 390, "height": 844}
NARROW = {"width": 360, "height": 740}
TABLET = {"width": 820, "height": 1180}


def assert_accessible(page, name):
    results = axe_sync.Axe().run(page)
    serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not serious, f"{name}: " + "; ".join(
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}" for v in serious)


def assert_no_sideways_scroll(page, name):
    width = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{name} is {width[0]} px wide on a {width[1]} px screen"


def login(page, email):
    page.goto("/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.locator("form:has(#password) button[type=submit]").click()
    page.wait_for_load_state()


def events_of(ics_bytes):
    return [event for event in Calendar.from_ical(ics_bytes).walk("VEVENT")]


def test_a_trainee_on_a_phone_registers_subscribes_and_lands_on_the_certificate(new_page, screenshot):
    world = make_world()
    world.anna.language = "en"
    start = (utcnow() + timedelta(days=3)).replace(hour=8, minute=0, second=0, microsecond=0)
    session = make_training_session(world.course, trainers=[world.trainer], parts=[(start, start + timedelta(hours=4))])
    course = make_elearning_course(lessons=1, titles={"en": "Fire safety"})
    db.session.commit()
    session_id, course_id, [lesson_id] = session.id, course.id, lesson_ids(course)

    phone = new_page(viewport=PHONE, locale="en-GB", has_touch=True)
    login(phone, world.anna.email)
    phone.goto(f"/classroom/sessions/{session_id}")
    phone.get_by_role("button", name="Register", exact=True).tap()
    expect(phone.locator(".flashes")).to_contain_text("You are registered.")
    assert_accessible(phone, "session page")
    screenshot(phone, "journey-phone-1-registered")

    with phone.expect_download() as download:
        phone.get_by_role("link", name="Add to calendar").tap()
    with open(download.value.path(), "rb") as file:
        [event] = events_of(file.read())
    assert event.decoded("DTSTART") == start and event.decoded("DTEND") == start + timedelta(hours=4)

    phone.goto("/classroom/mine")
    phone.get_by_role("link", name="My sessions in my calendar app").tap()
    phone.get_by_role("button", name="Make my calendar address").tap()
    feed_url = phone.locator("#feed-url").input_value()
    assert_accessible(phone, "calendar address")
    screenshot(phone, "journey-phone-2-calendar-address")
    # A calendar app fetches the address without any login: a fresh browser context, no cookies.
    app_fetch = new_page().request.get(feed_url)
    assert app_fetch.ok and app_fetch.headers["content-type"].startswith("text/calendar")
    [event] = events_of(app_fetch.body())
    assert "VCA basis" in str(event["SUMMARY"]) and str(event["STATUS"]) == "CONFIRMED"
    assert event.decoded("DTSTART") == start and event.decoded("DTEND") == start + timedelta(hours=4)

    phone.goto(f"/training/courses/{course_id}")
    phone.get_by_role("button", name="Enrol in this course").tap()
    expect(phone).to_have_url(re.compile(rf"/lessons/{lesson_id}"))
    phone.get_by_role("button", name="Mark as done and continue").tap()
    expect(phone).to_have_url(re.compile(rf"/certificates/earned/{course_id}$"))
    expect(phone.get_by_role("heading", level=1)).to_have_text("Your certificate")
    expect(phone.get_by_role("link", name="Download PDF")).to_be_visible()
    assert_accessible(phone, "certificate earned")
    assert_no_sideways_scroll(phone, "certificate earned")
    screenshot(phone, "journey-phone-3-certificate")

    phone.get_by_role("link", name="My certificates").last.tap()
    row = phone.locator("table.table-cards tbody tr").first
    expect(row).to_contain_text("Fire safety")
    assert row.evaluate("(el) => getComputedStyle(el).display") == "block"  # a card, not a table row
    assert_no_sideways_scroll(phone, "my certificates")
    assert_accessible(phone, "my certificates")
    screenshot(phone, "journey-phone-4-my-certificates")


def draw_signature(page):
    box = page.locator("canvas.signature-pad").bounding_box()
    x, y = box["x"], box["y"] + box["height"] / 2
    page.mouse.move(x + 30, y)
    page.mouse.down()
    for step in range(1, 30):
        page.mouse.move(x + 30 + step * 12, y + (25 if step % 4 < 2 else -25), steps=2)
    page.mouse.up()


def upload_logo(page, tmp_path):
    """Acme's admin uploads the company logo that the sign-in sheets of its sessions print."""
    logo = Image.new("RGB", (480, 160), "white")
    ImageDraw.Draw(logo).rectangle((10, 30, 470, 130), fill=(230, 90, 20))
    path = tmp_path / "acme-logo.png"
    logo.save(path)
    page.goto("/company/logo")
    page.get_by_label("Logo").set_input_files(str(path))
    page.get_by_role("button", name="Upload logo").click()
    expect(page.locator(".flashes")).to_contain_text("The logo has been saved.")
    expect(page.get_by_role("img", name="Logo of Acme")).to_be_visible()
    assert_accessible(page, "company logo")
    assert_no_sideways_scroll(page, "company logo")


def test_a_trainer_on_a_tablet_runs_check_in_and_signatures(new_page, screenshot, tmp_path):
    world = make_world()
    start = utcnow().replace(second=0, microsecond=0) - timedelta(minutes=30)
    session = make_training_session(world.course, trainers=[world.trainer], company=world.acme,
                                    parts=[(start, start + timedelta(hours=3))])
    for person in (world.anna, world.pieter):
        make_registration(session, person)
    world.anna.language = "en"
    db.session.commit()
    part = session_parts(session.id)[0]
    anna_id, pieter_id = world.anna.id, world.pieter.id
    admin = new_page(viewport=NARROW, locale="en-GB")
    login(admin, world.hr_acme.email)
    upload_logo(admin, tmp_path)
    screenshot(admin, "journey-company-logo")

    tablet = new_page(viewport=TABLET, locale="en-GB", has_touch=True)
    login(tablet, world.trainer.email)
    expect(tablet).to_have_url(re.compile(r"/classroom/teach$"))
    expect(tablet.get_by_role("heading", name="Now")).to_be_visible()
    assert_accessible(tablet, "now and next")
    screenshot(tablet, "journey-tablet-1-now")
    tablet.get_by_role("link", name="Attendance sheet").first.tap()
    expect(tablet).to_have_url(re.compile(rf"/classroom/parts/{part.id}/sheet$"))
    tablet.get_by_role("link", name="Check-in code").tap()
    expect(tablet.locator(".two-step-qr svg")).to_be_visible()
    assert_accessible(tablet, "check-in code")
    screenshot(tablet, "journey-tablet-2-check-in-code")

    # The trainee scans the code on the screen with a phone: the address it holds.
    check_in_url = f"/classroom/check-in/{part.id}/{checkin.current_code(part)}"
    phone = new_page(viewport=PHONE, locale="en-GB", has_touch=True)
    login(phone, world.anna.email)
    phone.goto(check_in_url)
    assert_accessible(phone, "check in")
    phone.get_by_role("button", name="I am here").tap()
    expect(phone.locator(".flashes")).to_contain_text("You are checked in. Welcome!")
    screenshot(phone, "journey-tablet-3-phone-checked-in")

    tablet.goto(f"/classroom/parts/{part.id}/sheet")
    anna = tablet.locator(f"#row-{anna_id}")
    expect(anna.locator("input[value=present]")).to_be_checked()
    expect(anna).to_contain_text("Last saved by Anna Jansen")

    tablet.locator(f"#row-{pieter_id}").get_by_role("link", name="Sign").tap()
    expect(tablet.get_by_role("heading", level=2)).to_have_text("Pieter Willems")
    assert_accessible(tablet, "sign page")
    tablet.get_by_role("button", name="Save signature").tap()  # an empty box is not sent
    expect(tablet.locator("[data-signature-empty]")).to_be_visible()
    draw_signature(tablet)
    screenshot(tablet, "journey-tablet-4-signing")
    tablet.get_by_role("button", name="Save signature").tap()
    expect(tablet.locator(".flashes")).to_contain_text("Pieter Willems has signed.")
    pieter = tablet.locator(f"#row-{pieter_id}")
    expect(pieter.get_by_role("img", name="Signature of Pieter Willems")).to_be_visible()
    expect(pieter.locator("input[value=present]")).to_be_checked()
    assert_accessible(tablet, "sheet with a signature")
    screenshot(tablet, "journey-tablet-5-signed")

    pdf = tablet.request.get(f"/classroom/parts/{part.id}/signin.pdf")
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(pdf.body()))
    (ARTIFACTS / "journey-signin.pdf").write_bytes(pdf.body())
    images = sorted(image.image.mode for page in reader.pages for image in page.images)
    assert images == ["L", "RGB"]  # Pieter's drawn signature and Acme's logo (Oscart's is drawn as vector)
    text = reader.pages[0].extract_text()
    assert "Willems, Pieter" in text and "Thomas Trainer" in text and "Handtekening van de trainer" in text

    narrow = new_page(viewport=NARROW, locale="en-GB", has_touch=True)
    login(narrow, world.trainer.email)
    for path in (f"/classroom/parts/{part.id}/sign/{anna_id}", f"/classroom/parts/{part.id}/sheet",
                 f"/classroom/parts/{part.id}/check-in-code", "/classroom/teach"):
        narrow.goto(path)
        assert_no_sideways_scroll(narrow, path)
        screenshot(narrow, "journey-narrow" + re.sub(r"[^a-z]+", "-", re.sub(r"\d+", "", path)).rstrip("-"))
