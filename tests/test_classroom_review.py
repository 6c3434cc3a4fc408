import csv
import io
import re
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import insert

from oscart.classroom.models import Attendance
from oscart.classroom.sessions import session_parts
from oscart.core.database import utcnow
from oscart.core.extensions import db
from tests.classroom_helpers import make_world
from tests.factories import make_registration, make_training_session, make_user, past_parts


@pytest.fixture
def world():
    return make_world()


def marked_session(world, people, *, status="present", minutes=240, note="", company=None):
    session = make_training_session(world.course, trainers=[world.trainer], parts=past_parts(), company=company)
    part = session_parts(session.id)[0]
    for person in people:
        make_registration(session, person)
    db.session.execute(insert(Attendance), [
        {"part_id": part.id, "session_id": session.id, "part_starts_at": part.starts_at, "user_id": p.id,
         "status": status, "minutes": minutes,
         "note": note, "version": 1, "marked_by_id": world.trainer.id} for p in people])
    db.session.commit()
    return session


def read_csv(response):
    body = response.get_data()
    assert body.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_session_csv_has_bom_and_neutralised_cells(browser, world):
    world.anna.last_name = "=HYPERLINK(\"http://evil\")"
    db.session.commit()
    session = marked_session(world, [world.anna], note="@SUM(1+1)")
    browser.login(world.trainer.email)
    response = browser.get(f"/classroom/sessions/{session.id}/attendance.csv", buffered=True)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    header, row = read_csv(response)
    assert header[:4] == ["Date", "Start", "End", "Course"]
    assert row[4] == "'=HYPERLINK(\"http://evil\")"
    assert row[-1] == "'@SUM(1+1)"
    assert row[-3:-1] == ["Present", "240"]


def test_company_admin_sees_and_exports_own_employees_only(browser, world):
    marked_session(world, [world.anna, world.bruno])
    for admin, own, foreign in ((world.hr_acme, "Jansen", "Martin"), (world.hr_globex, "Martin", "Jansen")):
        browser.login(admin.email)
        page = browser.get("/classroom/attendance")
        assert own in page.text and foreign not in page.text
        rows = read_csv(browser.get("/classroom/attendance.csv", buffered=True))
        assert [r[4] for r in rows[1:]] == [own]
        browser.logout()


def test_trainee_sees_own_record_only(browser, world):
    marked_session(world, [world.anna, world.pieter], status="late", minutes=200)
    browser.login(world.anna.email)
    page = browser.get("/classroom/mine")
    assert "Late" in page.text or "Te laat" in page.text
    assert page.text.count("200") >= 1
    assert browser.get("/classroom/attendance").status_code == 403


def test_filters_by_status_course_and_date(browser, world):
    marked_session(world, [world.anna], status="absent", minutes=0)
    marked_session(world, [world.pieter], status="present")
    browser.login(world.trainer.email)
    page = browser.get("/classroom/attendance?status=absent")
    assert "Jansen" in page.text and "Willems" not in page.text
    tomorrow = (past_parts()[0][0] + timedelta(days=2)).date().isoformat()
    assert "Jansen" not in browser.get(f"/classroom/attendance?date_from={tomorrow}").text


def test_trainer_sessions_filter_by_company_status_and_date(browser, world):
    absent = marked_session(world, [world.anna], status="absent", minutes=0, company=world.acme)
    present = marked_session(world, [world.pieter], status="present")
    browser.login(world.trainer.email)

    def listed(query):
        table = browser.get(f"/classroom/teach?when=past&{query}").text.split("<table", 1)[1]
        return {int(number) for number in re.findall(r'href="/classroom/sessions/(\d+)"', table)}

    assert listed("") == {absent.id, present.id}
    assert listed("status=absent") == {absent.id}
    assert listed(f"company={world.acme.id}&status=present") == set()
    day = past_parts()[0][0].date()
    assert listed(f"date_from={day.isoformat()}&date_to={day.isoformat()}") == {absent.id, present.id}
    assert listed(f"date_from={(day + timedelta(days=1)).isoformat()}") == set()


def test_trainer_review_shows_attendance_rate(browser, world):
    session = marked_session(world, [world.anna], status="late", minutes=180)
    make_registration(session, world.pieter)  # registered, not marked: counts as 0 minutes
    browser.login(world.trainer.email)
    page = browser.get("/classroom/teach?when=past")  # the session has ended
    assert "38%" in page.text  # 180 of 2 × 240 minutes


def test_history_shows_who_changed_what(browser, world):
    session = make_training_session(world.course, trainers=[world.trainer], parts=past_parts())
    make_registration(session, world.anna)
    part = session_parts(session.id)[0]
    browser.login(world.trainer.email)
    url = f"/classroom/parts/{part.id}/sheet"
    browser.submit(url, {f"status-{world.anna.id}": "late", f"minutes-{world.anna.id}": "200"}, form_page=url)
    page = browser.get(f"/classroom/sessions/{session.id}/history")
    assert "Thomas Trainer" in page.text and "Late, 200 min" in page.text


def test_history_names_the_part_of_each_change(browser, world):
    morning = (utcnow() - timedelta(days=2)).replace(hour=8, minute=0, second=0, microsecond=0)
    afternoon = morning.replace(hour=12)
    session = make_training_session(world.course, trainers=[world.trainer], parts=[
        (morning, morning + timedelta(hours=3)), (afternoon, afternoon + timedelta(hours=3))])
    make_registration(session, world.anna)
    browser.login(world.trainer.email)
    for part in session_parts(session.id):
        url = f"/classroom/parts/{part.id}/sheet"
        browser.submit(url, {f"status-{world.anna.id}": "present"}, form_page=url)
    page = browser.get(f"/classroom/sessions/{session.id}/history").text
    cells = re.findall(r'<td data-label="Part">([^<]+)</td>', page)
    assert len(cells) == 2 and len(set(cells)) == 2 and all("–" in cell for cell in cells)


def _bulk(world, sessions, per_session):
    people = [make_user(company=world.acme if i % 2 else world.globex) for i in range(per_session)]
    for _ in range(sessions):
        marked_session(world, people)


@pytest.mark.parametrize(("who", "path"), [
    ("trainer", "/classroom/teach"), ("hr_acme", "/classroom/attendance"), ("trainer", "/classroom/attendance"),
    ("admin", "/classroom/teach"), ("admin", "/classroom/attendance?status=present&company=1&date_from=2020-01-01"),
    ("trainer", "/classroom/teach?when=past&status=present&course=1&date_to=2099-01-01"), ("anna", "/classroom/mine")])
def test_review_pages_run_a_fixed_number_of_queries(browser, world, count_queries, who, path):
    counts = []
    for sessions, per_session in ((1, 2), (6, 12)):
        _bulk(world, sessions, per_session)
        browser.login(getattr(world, who).email)
        browser.get(path)  # the first page after login also checks the privacy statement version once
        with count_queries() as counter:
            assert browser.get(path).status_code == 200
        counts.append(counter.count)
    assert counts[0] == counts[1], counts


def test_sign_in_sheet_pdf_lists_registered_trainees(browser, world):
    session = make_training_session(world.course, trainers=[world.trainer], parts=past_parts(count=2),
                                    company=world.acme, place="Gent, Zaal Ü")
    for person in (world.anna, world.pieter):
        make_registration(session, person)
    part = session_parts(session.id)[1]
    browser.login(world.trainer.email)
    response = browser.get(f"/classroom/parts/{part.id}/signin.pdf")
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.data)).pages[0].extract_text()
    for expected in ("VCA basis", "Jansen, Anna", "Willems, Pieter", "Acme", "Gent, Zaal Ü", "Thomas Trainer"):
        assert expected in text
    assert "Handtekening" in text or "Signature" in text


def test_pdf_fetcher_refuses_anything_but_bundled_static_files():
    from oscart.core.pdf import FETCHER, pdf_static_url

    assert FETCHER.fetch(pdf_static_url("fonts/DejaVuSans.ttf")).read()[:4] == b"\x00\x01\x00\x00"
    for url in ("file:///etc/passwd", "http://127.0.0.1/", pdf_static_url("../pyproject.toml"),
                pdf_static_url("%2e%2e/pyproject.toml"), "data:text/plain,hi"):
        with pytest.raises(ValueError):
            FETCHER.fetch(url)
