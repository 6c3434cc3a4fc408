"""'Add to calendar' on a session page, and the personal calendar feed read as a calendar app reads it
(iCalendar parser): a secret address, stored only as a hash, that works without logging in, lists every
session of the person with the UIDs of their invitations, follows changes, and dies when renewed or stopped."""

import hashlib
import re
from datetime import timedelta
from html import unescape

import icalendar
import pytest
from sqlalchemy import select

from oscart.classroom.feed_models import CalendarFeed
from oscart.core import personal_data as registry
from oscart.core.extensions import db
from oscart.privacy.erasure import erase_user
from tests.classroom_helpers import make_world
from tests.factories import make_registration, make_training_session
from tests.helpers import Browser
from tests.test_classroom_calendar import invitations


@pytest.fixture
def world():
    return make_world()


def _as(app, user):
    browser = Browser(app.test_client())
    browser.login(user.email)
    return browser


def _make_feed(browser):
    page = browser.submit("/classroom/calendar", form_page="/classroom/calendar")
    assert page.status_code == 200
    return unescape(re.search(r'id="feed-url" type="text" readonly value="([^"]+)"', page.text).group(1))


def _fetch(app, url):
    """The feed as a calendar app fetches it: a fresh client, no login."""
    assert url.startswith(app.config["PUBLIC_BASE_URL"] + "/")  # the address people see, not the request's host
    return app.test_client().get(url.removeprefix(app.config["PUBLIC_BASE_URL"]))


def _events(response):
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar = icalendar.Calendar.from_ical(response.data)
    assert str(calendar["METHOD"]) == "PUBLISH"
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def test_the_session_page_offers_a_calendar_file_of_its_parts(app, world):
    start = make_training_session(world.course).starts_at
    session = make_training_session(world.course, parts=[(start, start + timedelta(hours=3)),
                                                         (start + timedelta(days=1, hours=1),
                                                          start + timedelta(days=1, hours=4))])
    browser = _as(app, world.bruno)
    assert f'href="/classroom/sessions/{session.id}/calendar.ics"' in browser.get(
        f"/classroom/sessions/{session.id}").text
    events = _events(browser.get(f"/classroom/sessions/{session.id}/calendar.ics"))
    assert [event["DTSTART"].dt for event in events.values()] == [start, start + timedelta(days=1, hours=1)]
    assert {str(event["SUMMARY"]) for event in events.values()} == {"VCA basis (fr)"}  # Bruno reads French


def test_the_feed_lists_every_session_of_the_person_without_logging_in(app, world, outbox):
    seat, waiting, cancelled, foreign = (make_training_session(world.course) for _ in range(4))
    anna = _as(app, world.anna)
    anna.submit(f"/classroom/sessions/{seat.id}/register")
    make_registration(waiting, world.anna, status="waitlisted", position=1)
    make_registration(cancelled, world.anna, status="cancelled")
    make_registration(foreign, world.pieter)
    url = _make_feed(anna)
    events = _events(_fetch(app, url))
    [invited] = invitations(outbox, world.anna.email)
    [invited_uid] = [str(event["UID"]) for event in invited[1].walk("VEVENT")]
    status = {uid.split("-")[1]: str(event["STATUS"]) for uid, event in events.items()}
    assert status == {str(seat.id): "CONFIRMED", str(waiting.id): "TENTATIVE", str(cancelled.id): "CANCELLED"}
    assert invited_uid in events  # the same event as the mailed invitation
    [summary] = [str(event["SUMMARY"]) for uid, event in events.items() if uid.split("-")[1] == str(waiting.id)]
    assert summary == "VCA basis (wachtlijst)"  # in Anna's language


def test_the_feed_follows_a_change_of_place(app, world):
    session = make_training_session(world.course)
    make_registration(session, world.anna)
    url = _make_feed(_as(app, world.anna))
    first = _events(_fetch(app, url))
    session.place = "Gent"
    db.session.commit()
    second = _events(_fetch(app, url))
    assert first.keys() == second.keys()
    assert [str(event["LOCATION"]) for event in second.values()] == ["Gent"]


def test_only_a_hash_of_the_address_is_stored(app, world):
    url = _make_feed(_as(app, world.anna))
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    stored = db.session.scalar(select(CalendarFeed.token_hash))
    assert stored == hashlib.sha256(token.encode()).hexdigest() and token not in stored
    assert token not in _as(app, world.anna).get("/classroom/calendar").text  # shown once only


def test_a_new_address_kills_the_old_one_and_stopping_kills_both(app, world):
    anna = _as(app, world.anna)
    old = _make_feed(anna)
    new = _make_feed(anna)
    assert _fetch(app, old).status_code == 404
    assert _fetch(app, new).status_code == 200
    assert anna.submit("/classroom/calendar/revoke", form_page="/classroom/calendar").status_code == 302
    assert _fetch(app, new).status_code == 404
    assert db.session.scalar(select(CalendarFeed)) is None


def test_an_unknown_address_answers_404(app):
    assert app.test_client().get("/classroom/feed/not-a-real-token.ics").status_code == 404


def test_a_deactivated_person_has_no_feed(app, world):
    url = _make_feed(_as(app, world.anna))
    world.anna.is_active = False
    db.session.commit()
    assert _fetch(app, url).status_code == 404


@pytest.mark.config(RATELIMIT_CALENDAR_FEED="3 per hour")
def test_the_feed_is_rate_limited_per_address(app, world):
    url = _make_feed(_as(app, world.anna))
    assert [_fetch(app, url).status_code for _ in range(4)] == [200, 200, 200, 429]
    assert _fetch(app, _make_feed(_as(app, world.pieter))).status_code == 200


def test_the_feed_reads_a_fixed_number_of_queries(app, world, count_queries):
    url = _make_feed(_as(app, world.anna))
    counts = []
    for _ in range(2):
        for _ in range(3):
            make_registration(make_training_session(world.course), world.anna)
        with count_queries() as counter:
            assert _fetch(app, url).status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1]


def test_my_sessions_links_to_the_calendar_address_page(app, world):
    anna = _as(app, world.anna)
    assert 'href="/classroom/calendar"' in anna.get("/classroom/mine").text
    assert "Make my calendar address" in _as(app, world.pieter).get("/classroom/calendar").text


def test_the_data_archive_says_a_calendar_address_exists_but_never_holds_it(app, world):
    url = _make_feed(_as(app, world.anna))
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    with app.test_request_context():
        data, _files = registry.export_user(world.anna)
    made = db.session.scalar(select(CalendarFeed.created_at))
    assert data["calendar_feed"] == {"has_calendar_feed": True, "feed_made_at": made.isoformat()}
    stored = db.session.scalar(select(CalendarFeed.token_hash))
    assert token not in repr(data) and stored not in repr(data)


def test_erasing_the_person_stops_the_calendar_address(app, world):
    url = _make_feed(_as(app, world.anna))
    erase_user(world.anna, actor=world.admin)
    db.session.commit()
    assert db.session.scalar(select(CalendarFeed)) is None
    assert _fetch(app, url).status_code == 404
