"""The order of a course's lessons: moved one place by the ↑ ↓ buttons, or dragged to a place (a position)."""

import pytest
from sqlalchemy import select

from oscart.audit.models import AuditEvent
from oscart.core.extensions import db
from oscart.core.security import PLATFORM_ADMIN
from oscart.training.models import Lesson
from tests.factories import lesson_ids, make_elearning_course, make_user


@pytest.fixture
def course(browser):
    browser.login(make_user(role=PLATFORM_ADMIN, language="en").email)
    return make_elearning_course(titles={"nl": "Cursus"}, lessons=4)


def _order(course):
    return list(db.session.scalars(select(Lesson.id).where(Lesson.course_id == course.id)
                                   .order_by(Lesson.position, Lesson.id)))


def _move(browser, course, lesson_id, data):
    editor = f"/training/manage/{course.id}/editor"
    return browser.submit(f"/training/manage/{course.id}/lessons/{lesson_id}/move", data, form_page=editor)


def test_the_buttons_move_a_lesson_one_place(browser, course):
    first, second, third, fourth = lesson_ids(course)
    assert _move(browser, course, third, {"direction": "up"}).status_code == 302
    assert _order(course) == [first, third, second, fourth]
    _move(browser, course, first, {"direction": "up"})  # already first: stays
    _move(browser, course, fourth, {"direction": "down"})  # already last: stays
    assert _order(course) == [first, third, second, fourth]


@pytest.mark.parametrize(("position", "expected"), [(1, [3, 0, 1, 2]), (2, [0, 3, 1, 2]), (4, [0, 1, 2, 3]),
                                                    (0, [3, 0, 1, 2]), (99, [0, 1, 2, 3])])
def test_a_dragged_lesson_takes_the_position_it_was_dropped_at(browser, course, position, expected):
    lessons = lesson_ids(course)
    response = _move(browser, course, lessons[3], {"position": str(position)})
    assert response.status_code == 302
    assert _order(course) == [lessons[index] for index in expected]
    positions = db.session.scalars(select(Lesson.position).where(Lesson.course_id == course.id)
                                   .order_by(Lesson.position)).all()
    assert positions == [1, 2, 3, 4]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "training.lesson_moved"))
    assert event.target == f"lesson:{lessons[3]}"


def test_a_position_that_is_no_number_moves_as_the_button_would(browser, course):
    first, second, third, fourth = lesson_ids(course)
    assert _move(browser, course, second, {"position": "first"}).status_code == 302
    assert _order(course) == [first, third, second, fourth]


def test_the_editor_offers_dragging_to_script_and_keeps_the_buttons(browser, course):
    page = browser.get(f"/training/manage/{course.id}/editor").text
    assert "js/reorder-drag.js" in page and "<tbody data-reorder>" in page
    assert page.count('data-move-url="/training/manage/') == 4
    assert page.count('name="direction" value="up"') == 4
