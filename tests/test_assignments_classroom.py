"""A rule for a course given in classroom sessions: the person it assigns finds the course's sessions from the
course page, books one (the matrix says so) and completes the course by attending."""

import re
from html import unescape

import pytest
from sqlalchemy import select

from oscart.classroom.completion import complete_from_attendance
from oscart.classroom.models import Attendance
from oscart.classroom.sessions import session_parts
from oscart.core.extensions import db
from oscart.core.security import COMPANY_ADMIN, TRAINER
from oscart.training.models import COMPLETED, Enrolment
from tests.assignments_helpers import add_member, make_group, make_rule
from tests.factories import (
    make_classroom_course,
    make_company,
    make_registration,
    make_training_session,
    make_user,
    past_parts,
)


@pytest.fixture
def acme():
    company = make_company(name="Acme Classroom")
    admin = make_user(role=COMPANY_ADMIN, company=company, language="en")
    anna = make_user(company=company, language="nl", email="anna@classroom.example")
    warehouse = make_group(company, "Warehouse")
    add_member(warehouse, anna)
    course = make_classroom_course(title="VCA Basisveiligheid")
    return {"company": company, "admin": admin, "anna": anna, "warehouse": warehouse, "course": course}


def enrolment_of(person, course):
    return db.session.scalar(select(Enrolment).where(Enrolment.user_id == person.id,
                                                     Enrolment.course_id == course.id))


def test_the_course_page_leads_to_the_sessions_of_the_required_classroom_course(browser, acme):
    make_rule(acme["admin"], acme["course"], group=acme["warehouse"])
    assert enrolment_of(acme["anna"], acme["course"]).due_at is not None
    make_training_session(acme["course"])
    make_training_session(make_classroom_course(title="Brandbestrijding"))
    browser.login(acme["anna"].email)
    assert "VCA Basisveiligheid" in browser.get("/dashboard").text
    page = browser.get(f"/training/courses/{acme['course'].id}").text
    link = unescape(re.search(r'href="([^"]*/classroom/\?course=\d+)"[^>]*>Kies een klassikale sessie', page).group(1))
    sessions = browser.get(link).text
    assert "VCA Basisveiligheid" in sessions and "Brandbestrijding" not in sessions


def test_the_sessions_filter_never_names_a_course_the_reader_cannot_see(browser, acme):
    other = make_company(name="Other Classroom")
    private = make_classroom_course(title="Geheim bedrijfsopleiding", is_global=False, owner_company_id=other.id)
    make_training_session(private, company=other)
    browser.login(acme["anna"].email)
    page = browser.get(f"/classroom/?course={private.id}").text
    assert "Geheim" not in page and "nog geen komende sessies" in page


def test_attending_a_session_completes_the_required_course(acme):
    make_rule(acme["admin"], acme["course"], group=acme["warehouse"])
    trainer = make_user(role=TRAINER)
    session = make_training_session(acme["course"], trainers=[trainer], parts=past_parts())
    make_registration(session, acme["anna"])
    part = session_parts(session.id)[0]
    db.session.add(Attendance(part_id=part.id, session_id=session.id, part_starts_at=part.starts_at,
                              user_id=acme["anna"].id, status="present", minutes=session.total_minutes,
                              marked_by_id=trainer.id))
    db.session.flush()
    complete_from_attendance(session, {acme["anna"].id}, trainer)
    db.session.commit()
    assert enrolment_of(acme["anna"], acme["course"]).status == COMPLETED


@pytest.mark.parametrize("planned", [False, True])
def test_saving_a_rule_says_when_no_session_is_planned_yet(browser, acme, planned):
    if planned:
        make_training_session(acme["course"])
    browser.login(acme["admin"].email)
    form = {"course_id": str(acme["course"].id), "group_id": str(acme["warehouse"].id), "job_role_id": "",
            "due_within_days": "30", "repeat_mode": "never", "is_active": "y"}
    response = browser.submit("/company/rules/new", form, form_page="/company/rules/new")
    assert response.status_code == 302
    page = browser.get("/company/rules/").text
    assert ("none is planned yet" in page) is not planned
    assert enrolment_of(acme["anna"], acme["course"]).due_at is not None
