"""A group's page: its members listed (active by default), people added by e-mail address and removed, and the
required training of the group's rules following them."""

import pytest
from sqlalchemy import func, select

from oscart.assignments.models import RuleAssignment
from oscart.audit.models import AuditEvent
from oscart.certificates.models import Certificate
from oscart.companies.models import GroupMember
from oscart.core.extensions import db
from oscart.core.security import COMPANY_ADMIN
from oscart.training.completion import complete_enrolment
from oscart.training.models import COMPLETED, Enrolment
from oscart.workspace import people
from tests.assignments_helpers import add_member, make_group, make_rule
from tests.factories import make_company, make_course, make_user


@pytest.fixture
def acme():
    company = make_company(name="Acme Members")
    admin = make_user(role=COMPANY_ADMIN, company=company, language="en", first_name="Hilde", last_name="Maes")
    warehouse = make_group(company, "Warehouse")
    anna = make_user(company=company, first_name="Anna", last_name="Jansen", email="anna@members.example")
    bert = make_user(company=company, first_name="Bert", last_name="Claes", email="bert@members.example")
    add_member(warehouse, anna)
    return {"company": company, "admin": admin, "warehouse": warehouse, "anna": anna, "bert": bert,
            "course": make_course(titles={"en": "Forklift safety"}, validity_months=12)}


@pytest.fixture
def hr(browser, acme):
    browser.login(acme["admin"].email)
    return browser


def enrolment_of(person, course):
    return db.session.scalar(select(Enrolment).where(Enrolment.user_id == person.id,
                                                     Enrolment.course_id == course.id))


def members_of(group):
    return set(db.session.scalars(select(GroupMember.user_id).where(GroupMember.group_id == group.id)))


def test_the_page_lists_the_members_and_links_their_pages(hr, acme):
    page = hr.get(f"/company/groups/{acme['warehouse'].id}")
    assert page.status_code == 200
    assert "Jansen, Anna" in page.text and f"/company/employees/{acme['anna'].id}" in page.text
    assert "Claes" not in page.text
    assert "1 member" in page.text


def test_deactivated_members_are_listed_only_when_asked(hr, acme):
    people.deactivate_person(acme["anna"], actor=acme["admin"])
    db.session.commit()
    assert "Jansen" not in hr.get(f"/company/groups/{acme['warehouse'].id}").text
    page = hr.get(f"/company/groups/{acme['warehouse'].id}?state=all")
    assert "Jansen, Anna" in page.text and "Deactivated" in page.text
    assert "0 people" in hr.get("/company/groups").text  # the groups list counts as the page shows by default


def test_the_member_count_leaves_out_whom_the_list_leaves_out(hr, acme):
    warehouse = acme["warehouse"]
    gone = make_user(company=acme["company"], last_name="Gone", is_active=False)
    hidden = make_user(company=acme["company"], last_name="Hidden", is_restricted=True)
    add_member(warehouse, acme["bert"], gone, hidden)
    page = hr.get(f"/company/groups/{warehouse.id}").text
    assert "2 members" in page and "Claes, Bert" in page and "Gone" not in page and "Hidden" not in page
    assert "3 members" in hr.get(f"/company/groups/{warehouse.id}?state=all").text
    assert "1 member" in hr.get(f"/company/groups/{warehouse.id}?state=deactivated").text


def test_adding_people_by_address_assigns_the_groups_rules(hr, acme):
    make_rule(acme["admin"], acme["course"], group=acme["warehouse"])
    carl = make_user(company=acme["company"], email="carl@members.example")
    path = f"/company/groups/{acme['warehouse'].id}"
    text = "Bert Claes <BERT@members.example>, carl@members.example\nanna@members.example"
    response = hr.submit(path, {"addresses": text}, form_page=path)
    assert response.status_code == 302 and response.headers["Location"].endswith(path)
    assert members_of(acme["warehouse"]) == {acme["anna"].id, acme["bert"].id, carl.id}
    assert enrolment_of(acme["bert"], acme["course"]).due_at is not None
    assert enrolment_of(carl, acme["course"]).due_at is not None
    assert "2 people added to Warehouse." in hr.get(path).text
    added = db.session.scalars(select(AuditEvent.subject_id).where(AuditEvent.action == "group.member_added")).all()
    assert sorted(added) == sorted([acme["bert"].id, carl.id])


@pytest.mark.parametrize("address", ["someone@elsewhere.example", "hr@other.example", "gone@members.example"])
def test_an_address_that_is_not_an_active_colleague_adds_nobody(hr, acme, address):
    other = make_company(name="Other Members")
    make_user(company=other, email="hr@other.example")
    gone = make_user(company=acme["company"], email="gone@members.example")
    people.deactivate_person(gone, actor=acme["admin"])
    db.session.commit()
    path = f"/company/groups/{acme['warehouse'].id}"
    response = hr.submit(path, {"addresses": f"bert@members.example {address}"}, form_page=path)
    assert response.status_code == 200
    assert f"No active person of your company has this address: {address}" in response.text
    assert members_of(acme["warehouse"]) == {acme["anna"].id}


def test_an_empty_form_says_what_is_missing(hr, acme):
    path = f"/company/groups/{acme['warehouse'].id}"
    response = hr.submit(path, {"addresses": " "}, form_page=path)
    assert response.status_code == 200 and "Please fill in this field." in response.text


def test_removing_a_member_ends_the_rules_assignments_and_keeps_what_they_completed(hr, acme):
    add_member(acme["warehouse"], acme["bert"])
    rule = make_rule(acme["admin"], acme["course"], group=acme["warehouse"])
    complete_enrolment(enrolment_of(acme["anna"], acme["course"]), actor=acme["anna"])
    db.session.commit()
    group_path = f"/company/groups/{acme['warehouse'].id}"
    for person in (acme["anna"], acme["bert"]):
        response = hr.submit(f"{group_path}/members/{person.id}/remove", {}, form_page=group_path)
        assert response.status_code == 302 and response.headers["Location"].endswith(group_path)
    assert members_of(acme["warehouse"]) == set()
    assert enrolment_of(acme["bert"], acme["course"]) is None  # the rule made it and nothing was done: gone
    assert enrolment_of(acme["anna"], acme["course"]).status == COMPLETED
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 1
    assert db.session.scalar(select(func.count()).select_from(RuleAssignment).where(
        RuleAssignment.rule_id == rule.id)) == 0
    removed = db.session.scalars(select(AuditEvent.subject_id).where(AuditEvent.action == "group.member_removed"))
    assert sorted(removed) == sorted([acme["anna"].id, acme["bert"].id])
    assert "has been removed from Warehouse" in hr.get(group_path).text


def test_another_companys_group_or_person_is_not_found(hr, acme):
    other = make_company(name="Other Members")
    foreign_group = make_group(other, "Theirs")
    stranger = make_user(company=other)
    add_member(foreign_group, stranger)
    group_path = f"/company/groups/{acme['warehouse'].id}"
    assert hr.get(f"/company/groups/{foreign_group.id}").status_code == 404
    assert hr.submit(f"/company/groups/{foreign_group.id}/members/{stranger.id}/remove", {},
                        form_page=group_path).status_code == 404
    assert hr.submit(f"{group_path}/members/{stranger.id}/remove", {}, form_page=group_path).status_code == 404
    assert members_of(foreign_group) == {stranger.id}


def test_the_page_runs_the_same_statements_for_many_members(hr, acme, count_queries):
    path = f"/company/groups/{acme['warehouse'].id}"
    hr.get(path)
    with count_queries() as few:
        hr.get(path)
    for n in range(30):
        add_member(acme["warehouse"], make_user(company=acme["company"], email=f"p{n}@members.example"))
    with count_queries() as many:
        hr.get(path)
    assert many.count == few.count


@pytest.mark.parametrize(("language", "text"), [("nl", "Personen toevoegen"), ("fr", "Ajouter des personnes"),
                                                ("de", "Personen hinzufügen"), ("en", "Add people")])
def test_the_page_speaks_the_admins_language(hr, acme, language, text):
    acme["admin"].language = language
    db.session.commit()
    assert text in hr.get(f"/company/groups/{acme['warehouse'].id}").text
