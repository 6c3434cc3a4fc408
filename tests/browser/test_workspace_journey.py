"""A company admin onboards a night shift: imports 50 people from a CSV into a new group and invites them, makes
a rule that requires a course of the group; one invited person accepts, sets a password and finds the course on
the dashboard; the training matrix and the report show the assignment.

axe-core checks every workspace page of the journey (no serious or critical violation); the group's page is also
looked at on a 360 px phone.
"""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from oscart.companies.models import Group
from oscart.core.demo import seed_demo
from oscart.core.extensions import db
from oscart.mail.models import OutboxMessage
from oscart.training.models import Course
from oscart.workspace.matrix import PEOPLE_PER_PAGE
from tests.browser.test_narrow_screens import MEASURE, PHONE, log_in

axe_sync = pytest.importorskip("axe_playwright_python.sync_playwright")

PEOPLE = 50
INVITED = "nacht.07@acme.example"


def assert_accessible(page, name):
    results = axe_sync.Axe().run(page)
    serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not serious, f"{name}: " + "; ".join(
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}" for v in serious)


def look(page, screenshot, name):
    """Screenshot the page and check it with axe."""
    screenshot(page, f"workspace-{name}")
    assert_accessible(page, name)


def people_file(tmp_path):
    """A semicolon CSV as Dutch Excel writes it: 50 people of the night shift."""
    lines = ["E-mailadres;Voornaam;Achternaam;Taal;Groepen"]
    lines += [f"nacht.{n:02}@acme.example;Nachtwerker{n:02};Ploeg;nl;Nachtploeg" for n in range(1, PEOPLE + 1)]
    path = tmp_path / "nachtploeg.csv"
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8-sig")
    return path


def invitation_path(email):
    body = db.session.scalar(select(OutboxMessage.body_text).where(OutboxMessage.recipient == email,
                                                                   OutboxMessage.template == "invitation"))
    assert body, f"no invitation mail to {email}"
    return urlsplit(next(word for word in body.split() if "/company/join/" in word)).path


def test_an_admin_imports_invites_and_requires_a_course_that_an_invited_person_then_sees(
        page, new_page, screenshot, tmp_path):
    seed_demo()
    db.session.commit()
    log_in(page, "hr@acme.example")
    look(page, screenshot, "1-home")

    # A new group for the night shift.
    page.goto("/company/groups")
    page.locator("#name").fill("Nachtploeg")
    page.locator("#kind").select_option("team")
    page.get_by_role("button", name="Groep aanmaken").click()
    expect(page.get_by_role("link", name="Nachtploeg", exact=True)).to_be_visible()
    look(page, screenshot, "2-groups")

    # Import: upload, the columns as recognised, invitations now, preview, import.
    page.goto("/company/import/")
    look(page, screenshot, "3-import-upload")
    page.locator("input[type=file]").set_input_files(people_file(tmp_path))
    page.locator("form[enctype] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/company/import/\d+/columns$"))
    expect(page.locator("#email option[selected]")).to_have_text("E-mailadres")
    expect(page.locator("#groups option[selected]")).to_have_text("Groepen")
    page.locator("input[name=invite][value=now]").check()
    look(page, screenshot, "4-import-columns")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/company/import/\d+/preview$"))
    counts = page.locator(".import-counts")
    expect(counts.locator(".stat", has_text="nieuw")).to_contain_text(str(PEOPLE))
    expect(counts.locator(".stat", has_text="niet toegevoegd")).to_contain_text("0")
    look(page, screenshot, "5-import-preview")
    expect(page.get_by_role("button", name=f"{PEOPLE} wijzigingen importeren")).to_be_visible()
    # Sent twice in a row (a double click): the button says it is importing, and one confirmation goes out.
    confirmations = []
    page.on("request", lambda request: confirmations.append(request.url) if request.method == "POST" else None)
    busy = page.evaluate("""() => { const form = document.querySelector('form[data-busy-text]');
        form.requestSubmit(); form.requestSubmit(); return form.querySelector('button').textContent; }""")
    assert busy == "Bezig met importeren…"
    expect(page).to_have_url(re.compile(r"/company/import/\d+$"))
    assert len([url for url in confirmations if url.endswith("/confirm")]) == 1
    expect(page.locator(".import-counts .stat", has_text="uitgenodigd")).to_contain_text(str(PEOPLE))
    look(page, screenshot, "6-import-result")

    # The group holds the 50 people.
    group_id = db.session.scalar(select(Group.id).where(Group.name == "Nachtploeg"))
    page.goto(f"/company/groups/{group_id}")
    expect(page.get_by_role("heading", name=f"{PEOPLE} leden")).to_be_visible()
    look(page, screenshot, "7-group")

    # A rule: everyone in the night shift completes the privacy course within 30 days.
    course_id = db.session.scalar(select(Course.id).where(Course.code == "GDPR-100"))
    page.goto("/company/rules/new")
    page.locator("#course_id").select_option(str(course_id))
    page.locator("#group_id").select_option(str(group_id))
    page.locator("#due_within_days").fill("30")
    look(page, screenshot, "8-rule")
    page.locator("main form button[type=submit]").first.click()
    expect(page).to_have_url(re.compile(r"/company/rules/$"))
    row = page.locator("tr", has_text="Nachtploeg")
    expect(row).to_contain_text("Privacy op de werkvloer")
    expect(row.locator("td.num").first).to_have_text(str(PEOPLE))
    look(page, screenshot, "9-rules")

    # One invited person accepts: names, password, and the dashboard shows the required course.
    trainee = new_page(viewport={"width": 1280, "height": 860})
    trainee.goto(invitation_path(INVITED))
    trainee.locator("#first_name").fill("Noor")
    trainee.locator("#last_name").fill("Nachtegaal")
    trainee.locator("#password").fill("Nachtploeg-2026-veilig")
    trainee.locator("#confirm").fill("Nachtploeg-2026-veilig")
    screenshot(trainee, "workspace-10-accept")
    assert_accessible(trainee, "accept invitation")
    trainee.locator("main form button[type=submit]").click()
    expect(trainee).to_have_url(re.compile(r"/dashboard$"))
    required = trainee.locator("section", has=trainee.get_by_role("heading", name="Verplicht voor u"))
    expect(required.get_by_role("link", name="Privacy op de werkvloer")).to_be_visible()
    expect(required).to_contain_text("Nachtploeg")
    screenshot(trainee, "workspace-11-dashboard")

    # The matrix and the report show the assignment.
    page.goto(f"/company/training?group={group_id}&course={course_id}")
    person = page.locator("tr", has_text="Nachtegaal, Noor")
    expect(person).to_contain_text("Verplicht")
    expect(page.locator("tbody tr")).to_have_count(PEOPLE_PER_PAGE)  # the first page of 50 people
    look(page, screenshot, "12-matrix")
    page.goto(f"/company/reports?group={group_id}")
    course_row = page.locator("#courses-heading + * tr, section:has(#courses-heading) tr",
                              has_text="Privacy op de werkvloer").first
    expect(course_row).to_contain_text(f"0 van {PEOPLE}")
    look(page, screenshot, "13-report")

    # The group's page on a phone: nothing scrolls sideways.
    phone = new_page(viewport=PHONE)
    log_in(phone, "hr@acme.example")
    phone.goto(f"/company/groups/{group_id}")
    screenshot(phone, "workspace-14-group-phone")
    assert phone.evaluate(MEASURE) == []
