"""A trainer's sessions page: the session running now with its current part's sheet one tap away, the next
ones, and the list soonest first with past sessions on their own tab."""

import re
from datetime import timedelta

import pytest

from oscart.classroom.sessions import session_parts
from oscart.core.database import utcnow
from tests.classroom_helpers import make_world
from tests.factories import make_training_session


@pytest.fixture
def world():
    return make_world()


def _session(world, start, hours=3, **kwargs):
    return make_training_session(world.course, trainers=[world.trainer],
                                 parts=[(start, start + timedelta(hours=hours))], **kwargs)


def test_the_running_session_leads_to_its_current_parts_sheet(browser, world):
    now = utcnow()
    running = make_training_session(world.course, trainers=[world.trainer], parts=[
        (now - timedelta(days=1), now - timedelta(days=1) + timedelta(hours=3)),
        (now - timedelta(hours=1), now + timedelta(hours=2))])
    _session(world, now + timedelta(days=3))
    browser.login(world.trainer.email)
    page = browser.get("/classroom/teach").text
    current = session_parts(running.id)[1]
    assert f'href="/classroom/parts/{current.id}/sheet"' in page
    assert "Current part" in page


def test_the_list_is_soonest_first_and_past_sessions_have_their_own_tab(browser, world):
    now = utcnow()
    later, sooner = _session(world, now + timedelta(days=9)), _session(world, now + timedelta(days=2))
    old, older = _session(world, now - timedelta(days=3)), _session(world, now - timedelta(days=30))
    browser.login(world.trainer.email)

    def order(url):
        table = browser.get(url).text.split("<table", 1)[1]
        return [int(number) for number in re.findall(r'href="/classroom/sessions/(\d+)"', table)]

    assert order("/classroom/teach") == [sooner.id, later.id]
    assert order("/classroom/teach?when=past") == [old.id, older.id]


def test_no_running_session_says_so(browser, world):
    _session(world, utcnow() + timedelta(days=2))
    browser.login(world.trainer.email)
    assert "No session of yours is running now." in browser.get("/classroom/teach").text


def test_filtering_the_past_tab_stays_on_the_past_tab(browser, world):
    now = utcnow()
    old, coming = _session(world, now - timedelta(days=3)), _session(world, now + timedelta(days=2))
    browser.login(world.trainer.email)
    page = browser.get("/classroom/teach?when=past").text
    form = page.split('<form method="get" class="filters">', 1)[1].split("</form>", 1)[0]
    assert '<input type="hidden" name="when" value="past">' in form
    filtered = browser.get(f"/classroom/teach?when=past&course={world.course.id}&status=").text
    table = filtered.split("<table", 1)[1]
    assert f'href="/classroom/sessions/{old.id}"' in table and f'/classroom/sessions/{coming.id}"' not in table
    tabs = filtered.split('class="sheet-parts"', 1)[1].split("</nav>", 1)[0]
    assert f"course={world.course.id}" in tabs  # the tabs keep the filters


def test_a_trainer_lands_on_now_and_next_and_reaches_it_from_every_page(browser, world):
    response = browser.login(world.trainer.email)
    assert response.headers["Location"] == "/classroom/teach"
    assert browser.get("/").headers["Location"] == "/classroom/teach"
    nav = browser.get("/dashboard").text
    assert nav.index('href="/classroom/teach"') < nav.index('href="/dashboard"')
    assert "My sessions today and next" in nav
