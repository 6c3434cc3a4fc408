from datetime import timedelta

import pytest
from sqlalchemy import select

from oscart.audit.models import AuditEvent
from oscart.classroom.models import Registration
from oscart.core.database import utcnow
from oscart.core.extensions import db
from tests.classroom_helpers import make_world
from tests.factories import make_registration, make_training_session, make_user


@pytest.fixture
def world():
    return make_world()


def submit_and_follow(browser, url, data=None):
    response = browser.submit(url, data)
    assert response.status_code == 302, response.status_code
    return browser.get(response.headers["Location"])


def status_of(session, user):
    return db.session.scalar(select(Registration.status).where(Registration.session_id == session.id,
                                                               Registration.user_id == user.id))


def test_trainee_registers_and_gets_mail_in_own_language_with_ics(browser, world, outbox):
    session = make_training_session(world.course, trainers=[world.trainer])
    world.anna.language = "fr"
    db.session.commit()
    browser.login(world.anna.email)
    response = browser.submit(f"/classroom/sessions/{session.id}/register")
    assert response.status_code == 302
    assert status_of(session, world.anna) == "registered"
    [mail] = outbox
    assert mail["To"] == world.anna.email
    assert "VCA basis (fr)" in mail.get_body(("plain",)).get_content()
    [ics] = [part for part in mail.iter_attachments()]
    assert ics.get_filename() == "session.ics" and ics.get_content_type() == "text/calendar"
    text = ics.get_content() if isinstance(ics.get_content(), str) else ics.get_content().decode()
    assert "BEGIN:VEVENT" in text and "SUMMARY:VCA basis (fr)" in text
    assert f"DTSTART:{session.starts_at.strftime('%Y%m%dT%H%M%SZ')}" in text
    assert "LOCATION:Antwerpen\\, Oscart Campus" in text


def test_full_session_puts_trainee_on_waiting_list_and_says_so(browser, world, outbox):
    session = make_training_session(world.course, capacity=1)
    make_registration(session, world.pieter)
    browser.login(world.anna.email)
    response = browser.submit(f"/classroom/sessions/{session.id}/register")
    assert status_of(session, world.anna) == "waitlisted"
    page = browser.get(response.headers["Location"])
    assert "u staat op de wachtlijst (nummer 1)" in page.text  # Anna reads Dutch
    assert "U staat op de wachtlijst" in outbox[0]["Subject"]
    assert not list(outbox[0].iter_attachments())


def test_waiting_list_moves_up_when_someone_cancels(browser, world, outbox):
    session = make_training_session(world.course, capacity=1)
    browser.login(world.pieter.email)
    browser.submit(f"/classroom/sessions/{session.id}/register")
    other = make_user(company=world.acme, language="en")
    for person in (world.anna, other):
        b = browser.__class__(browser.client.application.test_client())
        b.login(person.email)
        b.submit(f"/classroom/sessions/{session.id}/register")
    assert [status_of(session, p) for p in (world.anna, other)] == ["waitlisted", "waitlisted"]
    outbox.clear()
    assert browser.submit(f"/classroom/sessions/{session.id}/cancel").status_code == 302
    assert status_of(session, world.pieter) == "cancelled"
    assert status_of(session, world.anna) == "registered"  # first on the list
    assert status_of(session, other) == "waitlisted"
    recipients = {mail["To"]: mail for mail in outbox}
    assert "METHOD:CANCEL" in next(recipients[world.pieter.email].iter_attachments()).get_content()
    assert "METHOD:REQUEST" in next(recipients[world.anna.email].iter_attachments()).get_content()


def test_duplicate_registration_is_refused(browser, world):
    session = make_training_session(world.course)
    browser.login(world.anna.email)
    browser.submit(f"/classroom/sessions/{session.id}/register")
    response = submit_and_follow(browser, f"/classroom/sessions/{session.id}/register")
    assert "is al ingeschreven voor deze sessie" in response.text
    assert db.session.scalar(select(db.func.count(Registration.id))) == 1


def test_cancellation_after_deadline_is_refused(browser, world):
    session = make_training_session(world.course, cancellation_deadline_at=utcnow() - timedelta(hours=1))
    make_registration(session, world.anna)
    browser.login(world.anna.email)
    response = submit_and_follow(browser, f"/classroom/sessions/{session.id}/cancel")
    assert "annuleringstermijn is verstreken" in response.text
    assert status_of(session, world.anna) == "registered"


def test_started_session_cannot_be_joined(browser, world):
    start = utcnow() - timedelta(minutes=5)
    session = make_training_session(world.course, parts=[(start, start + timedelta(hours=2))])
    browser.login(world.anna.email)
    response = submit_and_follow(browser, f"/classroom/sessions/{session.id}/register")
    assert "deze sessie is al begonnen" in response.text
    assert status_of(session, world.anna) is None


def test_in_company_session_of_another_company_is_invisible(browser, world):
    session = make_training_session(world.course, company=world.acme)
    browser.login(world.bruno.email)
    assert browser.get(f"/classroom/sessions/{session.id}").status_code == 404
    assert browser.submit(f"/classroom/sessions/{session.id}/register").status_code == 404
    assert status_of(session, world.bruno) is None


def test_company_admin_registers_employees_in_bulk(browser, world, outbox):
    session = make_training_session(world.course, capacity=1)
    browser.login(world.hr_acme.email)
    page = browser.get(f"/classroom/sessions/{session.id}")
    assert "Jansen, Anna" in page.text and "Martin" not in page.text
    response = submit_and_follow(browser, f"/classroom/sessions/{session.id}/employees",
                                 {"user_ids": [str(world.anna.id), str(world.pieter.id)], "action": "register"})
    assert status_of(session, world.anna) == "registered"
    assert status_of(session, world.pieter) == "waitlisted"
    assert "on the waiting list: the session is full" in response.text
    assert {mail["To"] for mail in outbox} == {world.anna.email, world.pieter.email}
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "classroom.registered")).all()
    assert {(e.actor_id, e.details["after"]["status"]) for e in events} == {
        (world.hr_acme.id, "registered"), (world.hr_acme.id, "waitlisted")}


def test_company_admin_unregisters_employees_in_bulk(browser, world):
    session = make_training_session(world.course, capacity=1)
    make_registration(session, world.anna)
    make_registration(session, world.pieter, status="waitlisted", position=1)
    browser.login(world.hr_acme.email)
    browser.submit(f"/classroom/sessions/{session.id}/employees", {"user_ids": [str(world.anna.id)],
                                                                    "action": "unregister"})
    assert status_of(session, world.anna) == "cancelled"
    assert status_of(session, world.pieter) == "registered"


def test_company_admin_cannot_register_another_companys_employee(browser, world):
    session = make_training_session(world.course)
    browser.login(world.hr_acme.email)
    response = browser.submit(f"/classroom/sessions/{session.id}/employees",
                              {"user_ids": [str(world.bruno.id)], "action": "register"})
    assert response.status_code == 404
    assert status_of(session, world.bruno) is None


def test_user_of_another_company_is_refused_for_in_company_session(app, world):
    from oscart.classroom.registrations import register_user
    from oscart.core.exceptions import RuleViolation

    session = make_training_session(world.course, company=world.acme)
    with app.test_request_context(), pytest.raises(RuleViolation, match="bedrijfsinterne sessie van een ander bedrijf"):
        register_user(session, world.bruno, actor=world.admin)


def test_upcoming_registrations_for_the_dashboard(world):
    from oscart.classroom.upcoming import list_upcoming_registrations

    session = make_training_session(world.course)
    make_registration(session, world.anna)
    [row] = list_upcoming_registrations(world.anna)
    assert (row.session_id, row.course_title, row.status) == (session.id, "VCA basis", "registered")


def test_dashboard_shows_coming_sessions_with_place_and_registration(browser, world):
    make_registration(make_training_session(world.course, place="Gent, Havenlaan 5"), world.anna)
    make_registration(make_training_session(world.course, place=None), world.anna, status="waitlisted", position=2)
    browser.login(world.anna.email)
    page = browser.get("/dashboard").text
    assert page.count("VCA basis") >= 2 and "Gent, Havenlaan 5" in page
    assert "Ingeschreven" in page and "Wachtlijst (2)" in page


def test_my_sessions_page_lists_upcoming_and_own_attendance_only(browser, world):
    session = make_training_session(world.course)
    make_registration(session, world.anna)
    browser.login(world.anna.email)
    page = browser.get("/classroom/mine")
    assert page.status_code == 200 and "VCA basis" in page.text
