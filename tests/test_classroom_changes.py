"""A session that moves or is called off: every registrant gets a mail in their language, and those holding a
calendar invitation an updated one (REQUEST with a higher SEQUENCE, or CANCEL); the waiting list gets mail only.
Cancelling one's own registration goes through a page that says what happens with the seat."""

from datetime import date, time, timedelta

import pytest
from sqlalchemy import select

from oscart.audit.models import AuditEvent
from oscart.classroom.models import Registration, TrainingSession
from oscart.core.extensions import db
from oscart.core.local_time import local_to_utc
from tests.classroom_helpers import make_world
from tests.factories import make_registration, make_training_session
from tests.helpers import Browser
from tests.test_classroom_calendar import invitations
from tests.test_classroom_planning import plan_data

DAY = date.today() + timedelta(days=30)


@pytest.fixture
def world():
    return make_world()


def _as(app, user):
    browser = Browser(app.test_client())
    browser.login(user.email)
    return browser


def _planned(app, world, outbox, **overrides):
    """A session planned by the trainer, capacity 1: Anna (Dutch) has the seat, Pieter is on the waiting list."""
    world.course.created_by_id = world.trainer.id  # a trainer plans sessions of their own courses
    db.session.commit()
    trainer = _as(app, world.trainer)
    assert trainer.submit("/classroom/plan", plan_data(world, DAY, capacity="1", **overrides),
                          form_page="/classroom/plan").status_code == 302
    session = db.session.scalar(select(TrainingSession))
    for person in (world.anna, world.pieter):
        assert _as(app, person).submit(f"/classroom/sessions/{session.id}/register").status_code == 302
    outbox.clear()
    return trainer, session


def _edit(trainer, session, world, **overrides):
    url = f"/classroom/sessions/{session.id}/edit"
    response = trainer.submit(url, plan_data(world, DAY, **{"capacity": "1", **overrides}), form_page=url)
    assert response.status_code == 302, response.text


def _mails_to(outbox, person):
    return [mail for mail in outbox if mail["To"] == person.email]


def test_a_new_place_sends_an_updated_invitation_with_a_higher_sequence(app, world, outbox):
    trainer, session = _planned(app, world, outbox)
    first_sequence = db.session.scalar(select(Registration.calendar_sequence).where(
        Registration.user_id == world.anna.id))
    _edit(trainer, session, world, place="Gent, Oscart Campus")
    [mail] = _mails_to(outbox, world.anna)
    assert "nieuwe data of een nieuwe plaats" in mail["Subject"]  # Anna reads Dutch
    assert "Gent, Oscart Campus" in mail.get_body(("plain",)).get_content()
    [(method, calendar)] = invitations(outbox, world.anna.email)
    assert method == "REQUEST"
    for event in calendar.walk("VEVENT"):
        assert str(event["LOCATION"]) == "Gent, Oscart Campus" and str(event["STATUS"]) == "CONFIRMED"
        assert event["SEQUENCE"] == first_sequence


def test_new_times_reach_the_waiting_list_by_mail_only(app, world, outbox):
    trainer, session = _planned(app, world, outbox)
    _edit(trainer, session, world, **{"parts-0-start": "10:00"})
    [mail] = _mails_to(outbox, world.pieter)
    assert not list(mail.iter_attachments())
    assert "still on the waiting list (number 1)" in mail.get_body(("plain",)).get_content()
    [(method, calendar)] = invitations(outbox, world.anna.email)
    assert method == "REQUEST"
    expected = [local_to_utc(DAY, time(10)), local_to_utc(DAY + timedelta(days=1), time(13))]
    assert [event["DTSTART"].dt for event in calendar.walk("VEVENT")] == expected


def test_a_larger_capacity_moves_the_waiting_list_up_without_a_change_mail(app, world, outbox):
    trainer, session = _planned(app, world, outbox)
    _edit(trainer, session, world, capacity="2")
    assert [mail["To"] for mail in outbox] == [world.pieter.email]
    assert [method for method, _ in invitations(outbox, world.pieter.email)] == ["REQUEST"]
    assert set(db.session.scalars(select(Registration.status))) == {"registered"}


def test_the_trainer_cancels_the_session_and_everyone_is_told(app, world, outbox):
    trainer, session = _planned(app, world, outbox)
    url = f"/classroom/sessions/{session.id}/call-off"
    page = trainer.get(url)
    assert "Registered: 1 · on the waiting list: 1." in page.text
    assert trainer.submit(url, form_page=url).status_code == 302
    [(method, calendar)] = invitations(outbox, world.anna.email)
    assert method == "CANCEL"
    assert {str(event["STATUS"]) for event in calendar.walk("VEVENT")} == {"CANCELLED"}
    assert "geannuleerd" in _mails_to(outbox, world.anna)[0]["Subject"]
    [waiting] = _mails_to(outbox, world.pieter)
    assert not list(waiting.iter_attachments())
    assert "place on its waiting list with it" in waiting.get_body(("plain",)).get_content()
    assert set(db.session.scalars(select(Registration.status))) == {"cancelled"}
    assert db.session.scalar(select(TrainingSession.cancelled_at)) is not None
    assert "classroom.session_cancelled" in db.session.scalars(select(AuditEvent.action)).all()


def test_a_cancelled_session_is_no_longer_offered_and_refuses_registrations(app, world, outbox):
    trainer, session = _planned(app, world, outbox)
    url = f"/classroom/sessions/{session.id}/call-off"
    trainer.submit(url, form_page=url)
    bruno = _as(app, world.bruno)
    assert f"/classroom/sessions/{session.id}\"" not in bruno.get("/classroom/").text
    bruno.submit(f"/classroom/sessions/{session.id}/register")
    assert db.session.scalar(select(Registration).where(Registration.user_id == world.bruno.id)) is None
    assert "Cette session a été annulée." in bruno.get(f"/classroom/sessions/{session.id}").text  # Bruno reads French
    edit = f"/classroom/sessions/{session.id}/edit"
    assert "can no longer be changed" in trainer.submit(edit, plan_data(world, DAY), form_page=edit).text


def test_another_trainer_cannot_cancel_the_session(app, world, outbox):
    _trainer, session = _planned(app, world, outbox)
    other = _as(app, world.other_trainer)
    url = f"/classroom/sessions/{session.id}/call-off"
    assert other.get(url).status_code == 403
    assert db.session.scalar(select(TrainingSession.cancelled_at)) is None


def test_leaving_the_waiting_list_sends_a_mail_without_a_calendar_file(app, world, outbox):
    _trainer, session = _planned(app, world, outbox)
    assert _as(app, world.pieter).submit(f"/classroom/sessions/{session.id}/cancel").status_code == 302
    [mail] = outbox
    assert mail["To"] == world.pieter.email and not list(mail.iter_attachments())
    assert "no longer on the waiting list" in mail.get_body(("plain",)).get_content()


def test_the_cancel_page_says_the_seat_goes_to_the_waiting_list(app, world, outbox):
    _trainer, session = _planned(app, world, outbox)
    anna = _as(app, world.anna)
    page = anna.get(f"/classroom/sessions/{session.id}").text
    assert f'href="/classroom/sessions/{session.id}/cancellation"' in page
    world.anna.language = "en"
    db.session.commit()
    text = anna.get(f"/classroom/sessions/{session.id}/cancellation").text
    assert "goes at once to the first person on the waiting list (1 person is waiting)" in text
    assert "Yes, cancel my registration" in text


@pytest.mark.parametrize(("status", "expected"), [
    ("registered", "Your seat becomes free for someone else to register."),
    ("waitlisted", "You leave the waiting list, on which you are number 1."),
])
def test_the_cancel_page_says_what_happens(app, world, status, expected):
    session = make_training_session(world.course)
    make_registration(session, world.pieter, status=status, position=1 if status == "waitlisted" else None)
    assert expected in _as(app, world.pieter).get(f"/classroom/sessions/{session.id}/cancellation").text


def test_the_cancel_page_without_a_registration_leads_back_to_the_session(app, world):
    session = make_training_session(world.course)
    response = _as(app, world.pieter).get(f"/classroom/sessions/{session.id}/cancellation")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/sessions/{session.id}")
