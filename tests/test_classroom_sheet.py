import pytest
from sqlalchemy import select

from oscart.audit.models import AuditEvent
from oscart.classroom.models import Attendance, Registration
from oscart.core.extensions import db
from oscart.training.models import COMPLETED, Enrolment
from tests.classroom_helpers import make_world
from tests.factories import make_registration, make_training_session, make_user, past_parts


@pytest.fixture
def world():
    return make_world()


def sheet_url(session):
    from oscart.classroom.sessions import session_parts

    return f"/classroom/parts/{session_parts(session.id)[0].id}/sheet"


def started_session(world, **kwargs):
    session = make_training_session(world.course, trainers=[world.trainer], parts=past_parts(), **kwargs)
    for person in (world.anna, world.pieter):
        make_registration(session, person)
    return session


def test_trainer_saves_whole_sheet_in_one_request(browser, world):
    session = started_session(world)
    browser.login(world.trainer.email)
    url = sheet_url(session)
    page = browser.get(url)
    assert page.status_code == 200
    assert "Jansen, Anna" in page.text
    response = browser.submit(url, {f"status-{world.anna.id}": "present", f"status-{world.pieter.id}": "late",
                                    f"minutes-{world.pieter.id}": "200", f"note-{world.pieter.id}": "Traffic"},
                              form_page=url)
    assert response.status_code == 302
    rows = {a.user_id: a for a in db.session.scalars(select(Attendance))}
    assert (rows[world.anna.id].status, rows[world.anna.id].minutes) == ("present", 240)
    assert (rows[world.pieter.id].status, rows[world.pieter.id].minutes, rows[world.pieter.id].note) == (
        "late", 200, "Traffic")
    assert rows[world.anna.id].marked_by_id == world.trainer.id


def test_every_change_is_an_audit_event_with_before_and_after(browser, world):
    session = started_session(world)
    browser.login(world.trainer.email)
    url = sheet_url(session)
    browser.submit(url, {f"status-{world.anna.id}": "absent"}, form_page=url)
    version = db.session.scalar(select(Attendance.version))
    browser.submit(url, {f"status-{world.anna.id}": "excused", f"version-{world.anna.id}": str(version),
                         f"note-{world.anna.id}": "Doctor"}, form_page=url)
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "classroom.attendance_marked")
                                .order_by(AuditEvent.id)).all()
    assert [(e.details["before"], e.details["after"]["status"]) for e in events] == [
        (None, "absent"), ({"status": "absent", "minutes": 0, "note": ""}, "excused")]
    assert all(e.actor_id == world.trainer.id and e.subject_id == world.anna.id for e in events)


def test_completion_when_attended_minutes_reach_threshold(browser, world):
    world.course.attendance_threshold_percent = 80
    db.session.commit()
    session = make_training_session(world.course, trainers=[world.trainer], parts=past_parts(count=2))
    make_registration(session, world.anna)
    from oscart.classroom.sessions import session_parts

    first, second = session_parts(session.id)
    browser.login(world.trainer.email)
    for part, minutes in ((first, "240"), (second, "150")):
        url = f"/classroom/parts/{part.id}/sheet"
        browser.submit(url, {f"status-{world.anna.id}": "left_early", f"minutes-{world.anna.id}": minutes},
                       form_page=url)
        enrolment = db.session.scalar(select(Enrolment).where(Enrolment.user_id == world.anna.id))
        assert enrolment is not None
        assert (enrolment.status == COMPLETED) == (part is second)  # 390 of 480 minutes ≥ 80 %


def test_below_threshold_does_not_complete(browser, world):
    session = started_session(world)
    browser.login(world.trainer.email)
    url = sheet_url(session)
    browser.submit(url, {f"status-{world.anna.id}": "late", f"minutes-{world.anna.id}": "200"}, form_page=url)
    enrolment = db.session.scalar(select(Enrolment).where(Enrolment.user_id == world.anna.id))
    assert enrolment.status != COMPLETED


@pytest.mark.parametrize(("data", "message"), [
    ({"status-{anna}": "late", "minutes-{anna}": "241"}, "Enter between 0 and 240 minutes"),
    ({"status-{anna}": "late"}, "Enter the minutes attended"),
    ({"status-{anna}": "late", "minutes-{anna}": "abc"}, "whole number"),
    ({"status-{bruno}": "present"}, "only be marked for people registered"),
    ({"status-{anna}": "sleeping"}, "Choose a status"),
])
def test_bad_rows_are_refused_with_a_message(browser, world, data, message):
    session = started_session(world)
    browser.login(world.trainer.email)
    url = sheet_url(session)
    ids = {"anna": world.anna.id, "bruno": world.bruno.id}
    response = browser.submit(url, {k.format(**ids): v for k, v in data.items()}, form_page=url)
    assert response.status_code == 400
    assert message in response.text
    assert db.session.scalar(select(Attendance.id)) is None


def test_part_not_started_is_refused(browser, world):
    session = make_training_session(world.course, trainers=[world.trainer])
    make_registration(session, world.anna)
    browser.login(world.trainer.email)
    url = sheet_url(session)
    response = browser.submit(url, {f"status-{world.anna.id}": "present"}, form_page=url)
    assert response.status_code == 400
    assert "has not started yet" in response.text
    assert db.session.scalar(select(Attendance.id)) is None


def test_message_is_translated(browser, world):
    world.trainer.language = "fr"
    db.session.commit()
    session = make_training_session(world.course, trainers=[world.trainer])
    make_registration(session, world.anna)
    browser.login(world.trainer.email)
    url = sheet_url(session)
    response = browser.submit(url, {f"status-{world.anna.id}": "present"}, form_page=url)
    assert "pas encore commencé" in response.text


def test_another_trainers_session_is_refused(browser, world):
    session = started_session(world)
    browser.login(world.other_trainer.email)
    assert browser.get(sheet_url(session)).status_code == 403
    response = browser.submit(sheet_url(session), {f"status-{world.anna.id}": "present"})
    assert response.status_code == 403
    assert "another trainer" in response.text
    assert db.session.scalar(select(Attendance.id)) is None


def test_platform_admin_may_mark_any_session(browser, world):
    session = started_session(world)
    browser.login(world.admin.email)
    url = sheet_url(session)
    assert browser.submit(url, {f"status-{world.anna.id}": "present"}, form_page=url).status_code == 302


def test_second_save_of_stale_sheet_is_refused_showing_what_changed(browser, app, world):
    session = started_session(world)
    url = sheet_url(session)
    browser.login(world.trainer.email)
    browser.submit(url, {f"status-{world.anna.id}": "present"}, form_page=url)  # version 1
    colleague = browser.__class__(app.test_client())
    make_other = world.other_trainer
    from oscart.classroom.models import SessionTrainer

    db.session.add(SessionTrainer(session_id=session.id, user_id=make_other.id))
    db.session.commit()
    colleague.login(make_other.email)
    # Both opened the sheet at version 1; the colleague saves first.
    assert colleague.submit(url, {f"status-{world.anna.id}": "absent", f"version-{world.anna.id}": "1",
                                  f"note-{world.anna.id}": "Called in sick"}, form_page=url).status_code == 302
    response = browser.submit(url, {f"status-{world.anna.id}": "late", f"minutes-{world.anna.id}": "100",
                                    f"version-{world.anna.id}": "1"}, form_page=url)
    assert response.status_code == 409
    assert "Someone else saved this sheet" in response.text
    assert "Tess Other saved at" in response.text and "Called in sick" in response.text
    row = db.session.scalar(select(Attendance))
    assert (row.status, row.version) == ("absent", 2)


def test_new_row_saved_meanwhile_is_a_conflict_too(browser, world):
    session = started_session(world)
    url = sheet_url(session)
    browser.login(world.trainer.email)
    browser.submit(url, {f"status-{world.anna.id}": "present"}, form_page=url)
    response = browser.submit(url, {f"status-{world.anna.id}": "absent"}, form_page=url)  # form without version
    assert response.status_code == 409
    assert db.session.scalar(select(Attendance.status)) == "present"


def test_walk_in_from_session_company_is_added_and_marked_present(browser, world):
    session = started_session(world, company=world.acme)
    walk_in = make_user(company=world.acme, first_name="Walter", last_name="Walkin")
    browser.login(world.trainer.email)
    url = sheet_url(session)
    assert "Walkin, Walter" in browser.get(url).text
    assert browser.submit(url, {"walk_in": str(walk_in.id)}, form_page=url).status_code == 302
    registration = db.session.scalar(select(Registration).where(Registration.user_id == walk_in.id))
    assert registration.is_walk_in and registration.status == "registered"
    assert db.session.scalar(select(Attendance.status).where(Attendance.user_id == walk_in.id)) == "present"


def test_walk_in_from_another_company_is_refused(browser, world):
    session = started_session(world, company=world.acme)
    browser.login(world.trainer.email)
    url = sheet_url(session)
    response = browser.submit(url, {"walk_in": str(world.bruno.id)}, form_page=url)
    assert response.status_code == 400
    assert "employees of the session's company" in response.text
    assert db.session.scalar(select(Registration.id).where(Registration.user_id == world.bruno.id)) is None


def _save_all(browser, url, ids):
    return browser.submit(url, {f"status-{i}": "late" for i in ids} | {f"minutes-{i}": "100" for i in ids},
                          form_page=url)


def test_saving_the_sheet_runs_a_fixed_number_of_queries(browser, world, count_queries):
    counts = []
    for size in (3, 30):
        session = make_training_session(world.course, trainers=[world.trainer], parts=past_parts(count=2))
        people = [make_user(company=world.acme) for _ in range(size)]
        for person in people:
            make_registration(session, person)
        ids = [person.id for person in people]
        browser.login(world.trainer.email)
        url = sheet_url(session)
        browser.get(url)
        with count_queries() as first:
            assert _save_all(browser, url, ids).status_code == 302
        counts.append(first.count)
    assert counts[0] == counts[1], counts


@pytest.mark.parametrize("in_company", [False, True])
def test_the_sheet_runs_a_fixed_number_of_queries(browser, world, count_queries, in_company):
    counts = []
    for size in (2, 20):
        session = make_training_session(world.course, trainers=[world.trainer], parts=past_parts(count=2),
                                        company=world.acme if in_company else None)
        for _ in range(size):
            make_registration(session, make_user(company=world.acme))
            make_user(company=world.acme)  # someone who may walk in
        browser.login(world.trainer.email)
        url = sheet_url(session)
        browser.get(url)
        with count_queries() as loaded:
            page = browser.get(url).text
        counts.append(loaded.count)
        assert "part 1 of 2" in page and page.count('class="sheet-row') == size
        assert ('name="walk_in"' in page) == in_company
    assert counts[0] == counts[1], counts


def test_guarded_update_refuses_a_save_that_raced_past_the_check(app, world, monkeypatch):
    """Two saves that both passed the version check: the UPDATE … WHERE version = … lets only one through."""
    from oscart.classroom import attendance
    from oscart.classroom.sessions import session_parts

    session = started_session(world)
    part_id = session_parts(session.id)[0].id
    entry = {"user_id": world.anna.id, "status": "present", "minutes": None, "note": "", "version": None}
    with app.test_request_context():
        attendance.save_sheet(part_id, [entry], actor=world.trainer)
        db.session.commit()
        monkeypatch.setattr(attendance, "_check_versions", lambda entries, existing: None)
        db.session.execute(db.update(Attendance).values(version=Attendance.version + 1))  # a concurrent save
        with pytest.raises(attendance.SheetConflict):
            attendance.save_sheet(part_id, [{**entry, "status": "absent", "version": 1}], actor=world.trainer)
        db.session.rollback()
    assert db.session.scalar(select(Attendance.status)) == "present"
