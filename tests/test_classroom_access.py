"""Who may open what, across roles and two companies: a foreign id answers 404 like a missing one."""

import pytest

from oscart.classroom.sessions import session_parts
from tests.classroom_helpers import make_world
from tests.factories import make_registration, make_training_session, past_parts


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
