"""Self check-in: a registered trainee who scans the trainer's current code during the part is marked present;
an old code, a part that is not running, someone not registered, or a mark the trainer made change nothing."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from oscart.classroom import checkin
from oscart.classroom.models import Attendance
from oscart.classroom.sessions import session_parts
from oscart.core.database import utcnow
from oscart.core.extensions import db
from tests.classroom_helpers import make_world
from tests.factories import make_registration, make_training_session
from tests.helpers import Browser


@pytest.fixture
def world():
    return make_world()


def _running(world, *, starts=timedelta(hours=-1)):
    start = utcnow() + starts
    session = make_training_session(world.course, trainers=[world.trainer],
                                    parts=[(start, start + timedelta(hours=3))])
    make_registration(session, world.anna)
    return session, session_parts(session.id)[0]


def _scan(app, user, part, code):
    browser = Browser(app.test_client())
    browser.login(user.email)
    url = f"/classroom/check-in/{part.id}/{code}"
    assert browser.get(url).status_code == 200
    return browser.submit(url, form_page=url)


def _marks():
    return db.session.execute(select(Attendance.user_id, Attendance.status, Attendance.marked_by_id)).all()


def test_the_trainer_shows_a_code_and_a_registered_trainee_checks_in(app, world):
    session, part = _running(world)
    trainer = Browser(app.test_client())
    trainer.login(world.trainer.email)
    page = trainer.get(f"/classroom/parts/{part.id}/check-in-code").text
    assert "<svg" in page and "js/check-in-code.js" in page and 'http-equiv="refresh"' not in page
    response = _scan(app, world.anna, part, checkin.current_code(part))
    assert response.headers["Location"] == f"/classroom/sessions/{session.id}"
    assert _marks() == [(world.anna.id, "present", world.anna.id)]
    sheet = trainer.get(f"/classroom/parts/{part.id}/sheet").text
    assert 'value="present" checked' in sheet


def test_an_old_code_is_refused(app, world):
    _session, part = _running(world)
    old = checkin._code(part.id, checkin._step(utcnow()) - checkin.ACCEPTED_STEPS)
    _scan(app, world.anna, part, old)
    assert _marks() == []


def test_no_check_in_before_the_part(app, world):
    _session, part = _running(world, starts=timedelta(hours=2))
    trainer = Browser(app.test_client())
    trainer.login(world.trainer.email)
    assert "<svg" not in trainer.get(f"/classroom/parts/{part.id}/check-in-code").text
    _scan(app, world.anna, part, checkin.current_code(part))
    assert _marks() == []


def test_someone_not_registered_cannot_check_in(app, world):
    _session, part = _running(world)
    _scan(app, world.pieter, part, checkin.current_code(part))
    assert _marks() == []


def test_the_trainers_mark_stays(app, world):
    session, part = _running(world)
    db.session.add(Attendance(part_id=part.id, session_id=session.id, part_starts_at=part.starts_at,
                              user_id=world.anna.id, status="absent", minutes=0, marked_by_id=world.trainer.id))
    db.session.commit()
    _scan(app, world.anna, part, checkin.current_code(part))
    assert _marks() == [(world.anna.id, "absent", world.trainer.id)]


def test_another_trainer_sees_no_code(app, world):
    _session, part = _running(world)
    other = Browser(app.test_client())
    other.login(world.other_trainer.email)
    assert other.get(f"/classroom/parts/{part.id}/check-in-code").status_code == 403
