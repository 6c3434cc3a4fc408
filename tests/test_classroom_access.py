"""Who may open what, across roles and two companies: a foreign id answers 404 like a missing one."""

import pytest
from sqlalchemy import insert

from oscart.classroom.models import SessionTrainer
from oscart.classroom.sessions import session_parts
from oscart.core.extensions import db
from tests.classroom_helpers import make_world
from tests.factories import make_registration, make_training_session, make_user, past_parts


@pytest.fixture
def world():
    world = make_world()
    world.session = make_training_session(world.course, trainers=[world.trainer], parts=past_parts(),
                                          company=world.acme)
    make_registration(world.session, world.anna)
    world.part_id = session_parts(world.session.id)[0].id
    return world


PEOPLE = ("anna", "bruno", "hr_acme", "hr_globex", "trainer", "other_trainer", "admin")


def expect(table):
    return [(who, code) for who, code in zip(PEOPLE, table, strict=True)]


@pytest.mark.parametrize(("path", "codes"), [
    ("/classroom/sessions/{session}", (200, 404, 200, 404, 200, 200, 200)),
    ("/classroom/parts/{part}/sheet", (403, 403, 403, 403, 200, 403, 200)),
    ("/classroom/parts/{part}/signin.pdf", (403, 403, 403, 403, 200, 403, 200)),
    ("/classroom/sessions/{session}/history", (403, 403, 403, 403, 200, 403, 200)),
    ("/classroom/sessions/{session}/attendance.csv", (403, 403, 200, 404, 200, 403, 200)),
    ("/classroom/sessions/{session}/edit", (403, 403, 403, 403, 200, 200, 200)),
    ("/classroom/teach", (403, 403, 403, 403, 200, 200, 200)),
    ("/classroom/attendance", (403, 403, 200, 200, 200, 200, 200)),
    ("/classroom/plan", (403, 403, 403, 403, 200, 200, 200)),
    ("/classroom/mine", (200, 200, 200, 200, 200, 200, 200)),
])
def test_access(browser, world, path, codes):
    url = path.format(session=world.session.id, part=world.part_id)
    for who, code in expect(codes):
        browser.login(getattr(world, who).email)
        assert browser.get(url, buffered=True).status_code == code, (who, url)
        browser.logout()


def test_missing_ids_answer_404(browser, world):
    browser.login(world.admin.email)
    for url in ("/classroom/sessions/999", "/classroom/parts/999/sheet", "/classroom/sessions/999/attendance.csv"):
        assert browser.get(url).status_code == 404


def test_anonymous_is_sent_to_login(client, world):
    response = client.get(f"/classroom/sessions/{world.session.id}")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_trainer_may_edit_only_sessions_of_courses_they_created_or_teach(browser, world):
    other = make_training_session(world.course, trainers=[world.other_trainer])
    browser.login(world.trainer.email)
    # Thomas teaches a session of this course, so he may plan its sessions, also a colleague's.
    assert browser.get(f"/classroom/sessions/{other.id}/edit").status_code == 200
    from tests.factories import make_classroom_course

    foreign_course = make_classroom_course(code="FOREIGN")
    foreign = make_training_session(foreign_course, trainers=[world.other_trainer])
    page = browser.get(f"/classroom/sessions/{foreign.id}/edit")
    assert "FOREIGN" not in page.text  # not offered as a course to plan


@pytest.mark.parametrize("who", ["pieter", "hr_acme", "trainer", "other_trainer", "admin"])
def test_a_session_page_runs_a_fixed_number_of_queries(browser, count_queries, who):
    world = make_world()
    session = make_training_session(world.course, trainers=[world.trainer], capacity=1)
    make_registration(session, world.pieter)
    browser.login(getattr(world, who).email)
    url = f"/classroom/sessions/{session.id}"
    browser.get(url)  # the first page after login also checks the privacy statement version once
    with count_queries() as small:
        first = browser.get(url).text
    for position in range(1, 4):
        make_registration(session, make_user(company=world.globex), status="waitlisted", position=position)
    db.session.execute(insert(SessionTrainer), [{"session_id": session.id, "user_id": world.other_trainer.id}])
    db.session.commit()
    with count_queries() as large:
        later = browser.get(url).text
    assert large.count == small.count
    assert ("Thomas Trainer" in first and "Tess Other" not in first) and "Tess Other" in later
    assert "1 of 1 taken · 3 on the waiting list" in later
    participants = later.split("<h2>Participants</h2>", 1)[-1] if "<h2>Participants</h2>" in later else ""
    assert ("Willems, Pieter" in participants) == (who in ("trainer", "other_trainer", "admin"))
