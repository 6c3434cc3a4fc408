"""The attendance sheet on a tablet: part tabs name date and time (two parts on one day differ), and a part
that has not started shows its rows disabled with the reason."""

import re
from datetime import timedelta

import pytest

from oscart.core.database import utcnow
from tests.classroom_helpers import make_world
from tests.factories import make_registration, make_training_session


@pytest.fixture
def world():
    return make_world()


def _two_parts_today_and_tomorrow(world):
    morning = (utcnow() - timedelta(days=1)).replace(hour=8, minute=0, second=0, microsecond=0)
    afternoon = morning.replace(hour=12)
    tomorrow = morning + timedelta(days=2)
    session = make_training_session(world.course, trainers=[world.trainer], parts=[
        (morning, morning + timedelta(hours=3)), (afternoon, afternoon + timedelta(hours=3)),
        (tomorrow, tomorrow + timedelta(hours=3))])
    make_registration(session, world.anna)
    return session


def _part_ids(browser, session):
    page = browser.get(f"/classroom/sessions/{session.id}").text
    return [int(number) for number in re.findall(r'/classroom/parts/(\d+)/sheet"', page)]


def test_part_tabs_name_date_and_time(browser, world):
    session = _two_parts_today_and_tomorrow(world)
    browser.login(world.trainer.email)
    first, _second, _third = _part_ids(browser, session)
    tabs = re.search(r'<nav class="sheet-parts".*?</nav>', browser.get(f"/classroom/parts/{first}/sheet").text,
                     re.S).group(0)
    labels = re.findall(r">([^<]+)</a>", tabs)
    assert len(labels) == 3 and len(set(labels)) == 3
    assert labels[0].split(",")[0] == labels[1].split(",")[0]  # the same day, told apart by the time


def test_a_part_that_has_not_started_has_its_rows_disabled_with_the_reason(browser, world):
    session = _two_parts_today_and_tomorrow(world)
    browser.login(world.trainer.email)
    first, _second, coming = _part_ids(browser, session)
    later = browser.get(f"/classroom/parts/{coming}/sheet").text
    assert 'disabled aria-describedby="not-started"' in later and 'id="not-started"' in later
    assert "has not started yet" in later
    assert 'disabled aria-describedby="not-started"' not in browser.get(f"/classroom/parts/{first}/sheet").text
