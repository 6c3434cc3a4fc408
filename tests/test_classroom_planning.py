from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from oscart.audit.models import AuditEvent
from oscart.classroom.ics import session_calendar
from oscart.classroom.models import SessionPart, SessionTrainer, TrainingSession
from oscart.core.extensions import db
from oscart.core.security import TRAINER
from tests.classroom_helpers import make_world
from tests.factories import make_classroom_course, make_company, make_course, make_training_session, make_user


@pytest.fixture
def world():
    return make_world()


def plan_data(world, day, **overrides):
    data = {"course_id": str(world.course.id), "language": "nl", "capacity": "10", "place": "Mechelen",
            "meeting_url": "", "company_id": "0", "trainer_ids": [str(world.trainer.id)],
            "parts-0-day": day.isoformat(), "parts-0-start": "09:00", "parts-0-end": "12:30",
            "parts-1-day": (day + timedelta(days=1)).isoformat(), "parts-1-start": "13:00", "parts-1-end": "17:00"}
    return {**data, **overrides}


def test_admin_plans_a_two_part_session_in_brussels_time(browser, world):
    browser.login(world.admin.email)
    day = date(2027, 1, 14)  # winter: Brussels is UTC+1
    response = browser.submit("/classroom/plan", plan_data(world, day), form_page="/classroom/plan")
    assert response.status_code == 302
    session = db.session.scalar(select(TrainingSession))
    parts = db.session.scalars(select(SessionPart).order_by(SessionPart.starts_at)).all()
    assert [p.starts_at.strftime("%d %H:%M") for p in parts] == ["14 08:00", "15 12:00"]
    assert session.total_minutes == 210 + 240
    assert session.cancellation_deadline_at == parts[0].starts_at - timedelta(hours=48)
    assert db.session.scalar(select(SessionTrainer.user_id)) == world.trainer.id
    assert "classroom.session_planned" in db.session.scalars(select(AuditEvent.action)).all()


@pytest.mark.parametrize(("overrides", "message"), [
    ({"parts-0-end": "08:00", "parts-1-day": ""}, "must end after it starts"),
    ({"place": ""}, "place or a meeting link"),
    ({"parts-0-day": "", "parts-1-day": ""}, "at least one part"),
    ({"trainer_ids": []}, "at least one trainer"),
])
def test_bad_plans_are_refused(browser, world, overrides, message):
    browser.login(world.admin.email)
    data = plan_data(world, date(2027, 3, 1), **overrides)
    if not data["parts-1-day"]:
        data.update({"parts-1-start": "", "parts-1-end": ""})
    if not data["parts-0-day"]:
        data.update({"parts-0-start": "", "parts-0-end": ""})
    response = browser.submit("/classroom/plan", data, form_page="/classroom/plan")
    assert response.status_code == 200
    assert message in response.text
    assert db.session.scalar(select(TrainingSession.id)) is None


def test_meeting_link_must_be_a_web_address(app, world):
    from oscart.classroom.planning import save_session
    from oscart.core.exceptions import RuleViolation

    start = datetime(2027, 3, 1, 8, tzinfo=UTC)
    with app.test_request_context(), pytest.raises(RuleViolation, match="moet met https:// beginnen"):
        save_session(None, actor=world.admin, course_id=world.course.id, parts=[(start, start + timedelta(hours=2))],
                     capacity=5, language="nl", meeting_url="javascript://x.example/%0aalert(1)",
                     trainer_ids=[world.trainer.id])


def test_trainer_plans_own_course_and_must_teach_it(browser, world):
    own = make_classroom_course(code="OWN", created_by_id=world.trainer.id)
    browser.login(world.trainer.email)
    data = plan_data(world, date(2027, 3, 1), course_id=str(own.id), trainer_ids=[str(world.other_trainer.id)])
    response = browser.submit("/classroom/plan", data, form_page="/classroom/plan")
    assert "plans only sessions they teach" in response.text
    data["trainer_ids"] = [str(world.trainer.id)]
    assert browser.submit("/classroom/plan", data, form_page="/classroom/plan").status_code == 302


def test_trainer_cannot_plan_a_course_they_neither_created_nor_teach(browser, world):
    browser.login(world.other_trainer.email)
    data = plan_data(world, date(2027, 3, 1), trainer_ids=[str(world.other_trainer.id)])
    response = browser.submit("/classroom/plan", data, form_page="/classroom/plan")
    assert "classroom or blended course you may plan" in response.text


def test_plan_menus_offer_what_the_planner_may_choose_in_a_fixed_number_of_queries(browser, world, count_queries):
    make_classroom_course(code="OWN", created_by_id=world.trainer.id)
    make_classroom_course(code="THEIRS", created_by_id=world.other_trainer.id)
    make_course(code="ONLINE", created_by_id=world.trainer.id)  # e-learning: no sessions to plan
    make_user(role=TRAINER, first_name="Gone", last_name="Away", is_active=False)
    browser.login(world.trainer.email)
    browser.get("/classroom/plan")
    counts = []
    for _ in range(2):
        with count_queries() as counter:
            page = browser.get("/classroom/plan").text
        counts.append(counter.count)
        make_company(), make_classroom_course(created_by_id=world.trainer.id), make_user(role=TRAINER)
    assert counts[0] == counts[1], counts
    courses = page.split('name="course_id"', 1)[1].split("</select>", 1)[0]
    assert "OWN" in courses and "THEIRS" not in courses and "ONLINE" not in courses
    assert "Tess Other" in page and "Away" not in page


def test_ics_has_one_event_per_part_folded_and_escaped(world):
    long_title = "Veiligheid; basis, deel 1 — " + "é" * 60
    session = make_training_session(world.course, place="Gent; zaal 2, verdieping 1")
    parts = db.session.scalars(select(SessionPart)).all()
    text = session_calendar(session, parts, title=long_title).decode("utf-8")
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert text.count("BEGIN:VEVENT") == 1
    assert "LOCATION:Gent\\; zaal 2\\, verdieping 1" in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    unfolded = text.replace("\r\n ", "")
    assert "SUMMARY:Veiligheid\\; basis\\, deel 1 — " + "é" * 60 in unfolded
    assert f"UID:classroom-{session.id}-part-{parts[0].id}@oscart.example" in unfolded


def test_outbox_attachments_reach_the_transport(app, outbox):
    from oscart.mail.services import deliver_pending, queue_mail

    with app.test_request_context():
        queue_mail("classroom_registration", to="x@example.com", language="en", subject="Hi", event="registered",
                   session=None, parts=[], title="T", link="https://x", attachments=[("a.ics", "text/calendar",
                                                                                       b"BEGIN:VCALENDAR")],
                   user=type("U", (), {"first_name": "X", "id": None})())
        db.session.commit()
        deliver_pending()
    [attachment] = list(outbox[0].iter_attachments())
    assert attachment.get_filename() == "a.ics" and attachment.get_content() == "BEGIN:VCALENDAR"
