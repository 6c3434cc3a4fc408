"""Calendar invitations read as calendar clients read them (iCalendar parser, RFC 5545/5546): every message
names its organizer and attendee, the attachment's content type names the body's METHOD, and SEQUENCE only
goes up for an event, also when someone registers again after cancelling."""

from datetime import timedelta

import icalendar
import pytest
from sqlalchemy import select

from oscart.classroom.models import Registration
from oscart.core.database import utcnow
from oscart.core.extensions import db
from tests.classroom_helpers import make_world
from tests.factories import make_training_session
from tests.helpers import Browser


@pytest.fixture
def world():
    return make_world()


def _as(app, user):
    browser = Browser(app.test_client())
    browser.login(user.email)
    return browser


def _register(app, session, user):
    assert _as(app, user).submit(f"/classroom/sessions/{session.id}/register").status_code == 302


def _cancel(app, session, user):
    assert _as(app, user).submit(f"/classroom/sessions/{session.id}/cancel").status_code == 302


def _company_admin(app, session, world, action, *people):
    data = {"user_ids": [str(person.id) for person in people], "action": action}
    url = f"/classroom/sessions/{session.id}/employees"
    assert _as(app, world.hr_acme).submit(url, data, form_page=f"/classroom/sessions/{session.id}").status_code \
        == 302


def invitations(outbox, recipient):
    """(method named by the Content-Type, parsed calendar) of every calendar file mailed to ``recipient``."""
    found = []
    for mail in outbox:
        if mail["To"] != recipient:
            continue
        for part in mail.iter_attachments():
            if part.get_content_type() == "text/calendar":
                assert part.get_content_charset() == "utf-8"
                found.append((part.get_param("method"), icalendar.Calendar.from_ical(part.get_payload(decode=True))))
    return found


def _self_service(app, world, session):
    _register(app, session, world.anna)
    _cancel(app, session, world.anna)


def _company_admin_for_employees(app, world, session):
    _company_admin(app, session, world, "register", world.anna)
    _company_admin(app, session, world, "unregister", world.anna)


def _waiting_list(app, world, session):
    session.capacity = 1
    db.session.commit()
    _register(app, session, world.pieter)
    _register(app, session, world.anna)  # waiting list: no invitation yet
    _cancel(app, session, world.pieter)  # Anna moves up


@pytest.mark.parametrize("flow", [_self_service, _company_admin_for_employees, _waiting_list],
                         ids=["self-service", "company admin", "waiting list"])
def test_every_invitation_names_organizer_attendee_and_the_method_of_its_content_type(app, world, outbox, flow):
    session = make_training_session(world.course)
    flow(app, world, session)
    people = {world.anna.email: world.anna, world.pieter.email: world.pieter}
    sent = [(person, method, calendar) for email, person in people.items()
            for method, calendar in invitations(outbox, email)]
    assert {method for _, method, _ in sent} == {"REQUEST", "CANCEL"}
    for person, method, calendar in sent:
        assert str(calendar["METHOD"]) == method
        events = calendar.walk("VEVENT")
        assert events
        for event in events:
            organizer = event["ORGANIZER"]
            assert str(organizer) == "mailto:no-reply@oscart.example" and organizer.params["CN"] == "Oscart"
            attendee = event["ATTENDEE"]
            assert str(attendee) == f"mailto:{person.email}" and attendee.params["CN"] == person.full_name
            assert str(event["STATUS"]) == ("CANCELLED" if method == "CANCEL" else "CONFIRMED")
            assert isinstance(event["SEQUENCE"], int)


def _sequences(outbox, person):
    """{UID: [SEQUENCE, …]} over the invitations ``person`` received, in the order they were sent."""
    sequences = {}
    for _method, calendar in invitations(outbox, person.email):
        for event in calendar.walk("VEVENT"):
            sequences.setdefault(str(event["UID"]), []).append(event["SEQUENCE"])
    return sequences


def test_sequence_only_goes_up_when_registering_again_after_cancelling(app, world, outbox):
    session = make_training_session(world.course)
    for step in (_register, _cancel, _register, _cancel, _register):
        step(app, session, world.anna)
    methods = [method for method, _ in invitations(outbox, world.anna.email)]
    assert methods == ["REQUEST", "CANCEL", "REQUEST", "CANCEL", "REQUEST"]
    [sequence] = _sequences(outbox, world.anna).values()
    assert sequence == sorted(set(sequence)) and len(sequence) == 5


def test_sequence_goes_on_after_a_cancellation_when_a_waiting_list_place_frees_up(app, world, outbox):
    session = make_training_session(world.course, capacity=1)
    _register(app, session, world.anna)
    _cancel(app, session, world.anna)
    _register(app, session, world.pieter)
    _register(app, session, world.anna)  # full: waiting list, no invitation
    _cancel(app, session, world.pieter)  # Anna moves up and gets a new invitation
    assert [method for method, _ in invitations(outbox, world.anna.email)] == ["REQUEST", "CANCEL", "REQUEST"]
    [sequence] = _sequences(outbox, world.anna).values()
    assert sequence[0] < sequence[1] < sequence[2]


def test_each_part_is_an_event_of_its_own_with_the_same_sequence(app, world, outbox):
    start = (utcnow() + timedelta(days=7)).replace(hour=8, minute=0, second=0, microsecond=0)
    day = timedelta(days=1)
    session = make_training_session(world.course, parts=[(start, start + timedelta(hours=4)),
                                                         (start + day, start + day + timedelta(hours=4))])
    _register(app, session, world.anna)
    _cancel(app, session, world.anna)
    sequences = _sequences(outbox, world.anna)
    assert len(sequences) == 2 and all(values[0] < values[1] for values in sequences.values())
    assert db.session.scalar(select(Registration.calendar_sequence)) == 2
