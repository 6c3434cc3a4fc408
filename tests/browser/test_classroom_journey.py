"""A trainer marks a sheet on a tablet; the company admin then reads the result."""

import re

from playwright.sync_api import expect

from oscart.classroom.sessions import session_parts
from tests.classroom_helpers import make_world
from tests.factories import PASSWORD, make_registration, make_training_session, make_user, past_parts

TABLET = {"width": 820, "height": 1180}


def login(page, email):
    page.goto("/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_load_state()


def test_trainer_marks_sheet_on_tablet_and_company_admin_sees_it(new_page, screenshot):
    world = make_world()
    world.trainer.language = "nl"
    world.hr_acme.language = "nl"
    session = make_training_session(world.course, trainers=[world.trainer], parts=past_parts(), company=world.acme)
    walk_in = make_user(company=world.acme, first_name="Wout", last_name="Walkin")
    for person in (world.anna, world.pieter):
        make_registration(session, person)
    from oscart.core.extensions import db

    db.session.commit()
    part_id = session_parts(session.id)[0].id
    anna_id, pieter_id, walk_in_id = world.anna.id, world.pieter.id, walk_in.id

    tablet = new_page(viewport=TABLET, locale="nl-BE", has_touch=True)
    login(tablet, world.trainer.email)
    tablet.goto(f"/classroom/parts/{part_id}/sheet")
    expect(tablet.get_by_role("heading", level=1)).to_have_text("Aanwezigheidslijst")
    screenshot(tablet, "classroom-sheet-tablet-empty")

    tablet.get_by_role("button", name="Iedereen zonder status aanwezig zetten").tap()
    pieter = tablet.locator(f"#row-{pieter_id}")
    pieter.get_by_text("Te laat").tap()
    pieter.get_by_label("Minuten").fill("195")
    pieter.get_by_label("Opmerking").fill("Trein vertraagd")
    tablet.get_by_label("Spontane deelnemers toevoegen (als aanwezig)").select_option(str(walk_in_id))
    expect(tablet.locator(f"#row-{anna_id} input[value=present]")).to_be_checked()
    tablet.get_by_role("button", name="Aanwezigheid bewaren").tap()
    expect(tablet.get_by_role("status").first).to_contain_text("Aanwezigheid bewaard (3 wijzigingen)")
    expect(tablet.locator(f"#row-{walk_in_id}")).to_contain_text("Spontaan")
    screenshot(tablet, "classroom-sheet-tablet-saved")

    # Too many minutes: refused next to the field, nothing saved.
    tablet.locator(f"#row-{anna_id}").get_by_text("Vroeger vertrokken").tap()
    tablet.locator(f"#row-{anna_id}").get_by_label("Minuten").fill("999")
    tablet.get_by_role("button", name="Aanwezigheid bewaren").tap()
    expect(tablet.locator(f"#row-{anna_id}")).to_contain_text("Vul tussen 0 en 240 minuten in")
    screenshot(tablet, "classroom-sheet-tablet-error")

    desk = new_page(viewport={"width": 1280, "height": 860}, locale="nl-BE")
    login(desk, world.hr_acme.email)
    desk.goto("/classroom/attendance")
    table = desk.locator("table")
    expect(table).to_contain_text("Willems, Pieter")
    expect(table).to_contain_text("Trein vertraagd")
    expect(table).to_contain_text("Walkin, Wout")
    expect(desk.locator("tbody tr").filter(has_text="Willems")).to_contain_text(re.compile(r"Te laat.*195", re.S))
    screenshot(desk, "classroom-company-attendance")


def test_second_trainer_sees_what_changed_when_saving_a_stale_sheet(new_page, screenshot):
    world = make_world()
    session = make_training_session(world.course, trainers=[world.trainer, world.other_trainer],
                                    parts=past_parts())
    make_registration(session, world.anna)
    part_id, anna_id = session_parts(session.id)[0].id, world.anna.id
    first, second = new_page(viewport=TABLET, locale="en-GB"), new_page(viewport=TABLET, locale="en-GB")
    login(first, world.trainer.email)
    login(second, world.other_trainer.email)
    for page in (first, second):
        page.goto(f"/classroom/parts/{part_id}/sheet")
    first.locator(f"#row-{anna_id}").get_by_text("Absent").click()
    first.get_by_label("Note").fill("Called in sick")
    first.get_by_role("button", name="Save attendance").click()
    expect(first.get_by_role("status").first).to_contain_text("Attendance saved")

    second.locator(f"#row-{anna_id}").get_by_text("Present").click()
    second.get_by_role("button", name="Save attendance").click()
    alert = second.get_by_role("alert")
    expect(alert).to_contain_text("Someone else saved this sheet")
    expect(alert).to_contain_text("Thomas Trainer saved at")
    expect(alert).to_contain_text("Called in sick")
    expect(second.locator(f"#row-{anna_id} input[value=absent]")).to_be_checked()  # reloaded with their save
    screenshot(second, "classroom-sheet-conflict")


def test_company_admin_registers_employees_and_sees_the_waiting_list(new_page, screenshot):
    world = make_world()
    session = make_training_session(world.course, trainers=[world.trainer], capacity=1)
    page = new_page(viewport={"width": 1280, "height": 900}, locale="en-GB")
    login(page, world.hr_acme.email)
    page.goto(f"/classroom/sessions/{session.id}")
    page.get_by_label("Jansen, Anna").check()
    page.get_by_label("Willems, Pieter").check()
    page.get_by_role("button", name="Register selected", exact=True).click()
    expect(page.locator(".flashes")).to_contain_text("Anna Jansen is registered.")
    expect(page.locator(".flashes")).to_contain_text("Pieter Willems is on the waiting list: the session is full.")
    expect(page.locator(".classroom-roster")).to_contain_text("Waiting list (1)")
    screenshot(page, "classroom-company-register")


def test_company_admin_finds_an_employee_among_many_and_registers_them(new_page, screenshot):
    from tests.test_classroom_roster import add_people

    world = make_world()
    add_people(world.acme, 40)
    session = make_training_session(world.course, trainers=[world.trainer], capacity=5)
    make_registration(session, world.anna)
    page = new_page(viewport={"width": 390, "height": 844}, locale="en-GB")  # a phone
    login(page, world.hr_acme.email)
    page.goto(f"/classroom/sessions/{session.id}")
    roster = page.locator(".classroom-roster")
    expect(roster).to_contain_text("43 people found.")
    expect(page.get_by_role("navigation", name="Pages")).to_contain_text("Page 1 of 2")
    expect(page.get_by_text("Your employees in this session: 1 registered, 0 on the waiting list.")).to_be_visible()
    page.get_by_role("searchbox", name="Search").fill("willems")
    page.get_by_role("search").get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"\?q=willems&show=#employees$"))
    expect(roster).to_contain_text("1 person found.")
    page.get_by_label("Willems, Pieter").check()
    page.get_by_role("button", name="Register selected", exact=True).click()
    expect(page.locator(".flashes")).to_contain_text("Pieter Willems is registered.")
    expect(page).to_have_url(re.compile(r"\?q=willems$"))  # back at the same search
    expect(roster).to_contain_text("Registered")
    screenshot(page, "classroom-company-roster-search-phone")
    page.get_by_label("Registration").select_option("registered")
    page.get_by_role("search").get_by_role("button", name="Search").click()
    page.get_by_role("searchbox", name="Search").fill("")
    page.get_by_role("search").get_by_role("button", name="Search").click()
    expect(roster).to_contain_text("2 people found.")
    expect(roster).to_contain_text("Jansen, Anna")
    page.set_viewport_size({"width": 1280, "height": 900})
    screenshot(page, "classroom-company-roster-registered")


def test_trainee_registers_and_finds_the_session_under_my_sessions(new_page, screenshot):
    world = make_world()
    session = make_training_session(world.course, trainers=[world.trainer], capacity=5)
    page = new_page(viewport={"width": 390, "height": 844}, locale="nl-BE")  # a phone
    login(page, world.anna.email)
    page.goto("/classroom/")
    page.get_by_role("link", name="VCA basis").click()
    expect(page).to_have_url(re.compile(rf"/classroom/sessions/{session.id}$"))
    page.get_by_role("button", name="Inschrijven").click()
    expect(page.locator(".flashes")).to_contain_text("U bent ingeschreven.")
    screenshot(page, "classroom-trainee-registered")
    page.get_by_role("link", name="Mijn sessies").click()
    expect(page.locator(".classroom-list")).to_contain_text("VCA basis")
    screenshot(page, "classroom-trainee-my-sessions")
