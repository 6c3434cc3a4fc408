"""The company admin's rules pages and the trainee's "Required of you" block."""

import pytest
from sqlalchemy import func, select

from oscart.assignments.models import TrainingRule
from oscart.core.extensions import db
from oscart.core.security import COMPANY_ADMIN
from oscart.training.models import Enrolment
from tests.assignments_helpers import add_member, make_group, make_job_role, make_rule
from tests.factories import make_company, make_course, make_enrolment, make_user


@pytest.fixture
def acme():
    company = make_company(name="Acme")
    hr = make_user(role=COMPANY_ADMIN, company=company, first_name="Hilde", last_name="Peeters", language="en")
    group = make_group(company, "Warehouse")
    anna = make_user(company=company, first_name="Anna", language="en")
    add_member(group, anna, make_user(company=company))
    return {"company": company, "hr": hr, "group": group, "anna": anna,
            "course": make_course(titles={"en": "Forklift safety", "nl": "Heftruckveiligheid"})}


def count(model):
    return db.session.scalar(select(func.count()).select_from(model))


def test_the_list_shows_each_rule_with_the_people_it_covers(browser, acme):
    make_rule(acme["hr"], acme["course"], group=acme["group"], due_within_days=14)
    browser.login(acme["hr"].email)
    html = browser.get("/company/rules/").text
    assert "Forklift safety" in html and "Warehouse" in html and "within 14 days" in html
    assert '<td data-label="People" class="num">2</td>' in html


def test_creating_a_rule_assigns_the_course(browser, acme):
    browser.login(acme["hr"].email)
    response = browser.submit("/company/rules/new", {"course_id": acme["course"].id, "group_id": acme["group"].id,
                                                     "job_role_id": "", "due_within_days": "20",
                                                     "repeat_mode": "never", "is_active": "y"})
    assert response.status_code == 302 and response.headers["Location"].endswith("/company/rules/")
    assert count(Enrolment) == 2


@pytest.mark.parametrize("data, message", [
    ({"group_id": "", "job_role_id": "", "due_within_days": "20"}, "Kies een groep, een functie of beide."),
    ({"due_within_days": "0"}, "Geef een aantal dagen van 1 tot 3650."),
    ({"repeat_mode": "months", "repeat_months": ""}, "Geef na hoeveel maanden de opleiding opnieuw gevolgd wordt."),
])
def test_invalid_rules_get_a_translated_error_and_change_nothing(browser, acme, data, message):
    acme["hr"].language = "nl"
    db.session.commit()
    browser.login(acme["hr"].email)
    form = {"course_id": acme["course"].id, "group_id": acme["group"].id, "job_role_id": "",
            "due_within_days": "20", "repeat_mode": "never", **data}
    response = browser.submit("/company/rules/new", form)
    assert response.status_code == 200 and message in response.text
    assert count(TrainingRule) == 0 and count(Enrolment) == 0


def test_a_second_rule_for_the_same_course_and_people_is_refused(browser, acme):
    make_rule(acme["hr"], acme["course"], group=acme["group"])
    browser.login(acme["hr"].email)
    response = browser.submit("/company/rules/new", {"course_id": acme["course"].id, "group_id": acme["group"].id,
                                                     "due_within_days": "20", "repeat_mode": "never"})
    assert response.status_code == 200 and "already exists" in response.text
    assert count(TrainingRule) == 1


def test_ids_of_another_company_answer_404_in_urls_and_forms(browser, acme):
    other = make_company()
    other_admin = make_user(role=COMPANY_ADMIN, company=other)
    theirs = make_rule(other_admin, acme["course"], job_role=make_job_role(other))
    their_group = make_group(other, "Kitchen")
    browser.login(acme["hr"].email)
    assert browser.get(f"/company/rules/{theirs.id}").status_code == 404
    assert browser.submit(f"/company/rules/{theirs.id}/delete").status_code == 404
    response = browser.submit("/company/rules/new", {"course_id": acme["course"].id, "group_id": their_group.id,
                                                     "due_within_days": "20", "repeat_mode": "never"})
    assert response.status_code == 404
    assert count(TrainingRule) == 1


def test_deleting_a_rule_from_its_page(browser, acme):
    rule = make_rule(acme["hr"], acme["course"], group=acme["group"])
    browser.login(acme["hr"].email)
    response = browser.submit(f"/company/rules/{rule.id}/delete", form_page=f"/company/rules/{rule.id}")
    assert response.status_code == 302
    assert count(TrainingRule) == 0 and count(Enrolment) == 0


def test_editing_a_rule_keeps_it_and_can_pause_it(browser, acme):
    rule = make_rule(acme["hr"], acme["course"], group=acme["group"])
    browser.login(acme["hr"].email)
    response = browser.submit(f"/company/rules/{rule.id}", {"course_id": acme["course"].id,
                                                            "group_id": acme["group"].id, "due_within_days": "45",
                                                            "repeat_mode": "expiry"})
    assert response.status_code == 302
    db.session.expire_all()
    rule = db.session.get(TrainingRule, rule.id)
    assert (rule.due_within_days, rule.repeat_mode, rule.is_active) == (45, "expiry", False)
    assert "Paused" in browser.get("/company/rules/").text


def test_the_trainee_sees_what_is_required_by_when_and_why(browser, acme):
    make_rule(acme["hr"], acme["course"], group=acme["group"])
    other = make_course(titles={"en": "Hygiene"})
    from oscart.core.database import utcnow

    make_enrolment(acme["anna"], other, due_at=utcnow(), assigned_by_id=acme["hr"].id)
    browser.login(acme["anna"].email)
    html = browser.get("/dashboard").text
    block = html[html.index('id="required"'):]
    assert "Forklift safety" in block and "Required for everyone in Warehouse" in block
    assert "Hygiene" in block and "Assigned by Hilde Peeters" in block


def test_each_rule_counts_only_the_people_it_covers(browser, acme):
    office = make_group(acme["company"], "Office")
    add_member(office, make_user(company=acme["company"]))
    make_rule(acme["hr"], acme["course"], group=office)
    make_rule(acme["hr"], make_course(titles={"en": "Driving"}), job_role=make_job_role(acme["company"]))
    browser.login(acme["hr"].email)
    html = browser.get("/company/rules/").text
    counts = [cell.split("<")[0] for cell in html.split('data-label="People" class="num">')[1:]]
    assert sorted(counts) == ["0", "1"]


def test_the_list_takes_as_many_queries_for_many_rules_as_for_one(browser, acme, count_queries):
    make_rule(acme["hr"], acme["course"], group=acme["group"])
    browser.login(acme["hr"].email)
    browser.get("/company/rules/")
    with count_queries() as one:
        browser.get("/company/rules/")
    for n in range(5):
        group = make_group(acme["company"], f"Site {n}")
        add_member(group, make_user(company=acme["company"]))
        make_rule(acme["hr"], make_course(), group=group)
    with count_queries() as many:
        assert browser.get("/company/rules/").status_code == 200
    assert many.count == one.count
