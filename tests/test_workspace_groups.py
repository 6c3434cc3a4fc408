"""Groups and job roles: a company admin lists, creates, renames and deletes them, within the own company."""

import pytest
from sqlalchemy import select

from oscart.accounts.models import User
from oscart.audit.models import AuditEvent
from oscart.companies import groups
from oscart.companies.models import Group, GroupMember, JobRole
from oscart.core.exceptions import NotFound, RuleViolation
from oscart.core.extensions import db
from oscart.core.security import COMPANY_ADMIN
from oscart.core.signals import people_changed
from tests.factories import make_company, make_user


@pytest.fixture
def company():
    return make_company(name="Acme Groups")


@pytest.fixture
def admin(company):
    return make_user(role=COMPANY_ADMIN, company=company, language="en")


@pytest.fixture
def hr(browser, admin):
    browser.login(admin.email)
    return browser


@pytest.fixture
def changes():
    """The people_changed signals sent during the test: [(company id, user ids)]."""
    sent = []

    def receiver(company_id, *, user_ids=(), **_details):
        sent.append((company_id, sorted(user_ids)))

    people_changed.connect(receiver)
    yield sent
    people_changed.disconnect(receiver)


def make_group(company, name="Logistics", kind="department", members=()):
    group = Group(company_id=company.id, name=name, kind=kind)
    db.session.add(group)
    db.session.flush()
    db.session.add_all(GroupMember(group_id=group.id, user_id=user.id) for user in members)
    db.session.commit()
    return group


def make_role(company, name="Forklift driver", people=()):
    role = JobRole(company_id=company.id, name=name)
    db.session.add(role)
    db.session.flush()
    for user in people:
        user.job_role_id = role.id
    db.session.commit()
    return role


def actions():
    return [row for row in db.session.execute(select(AuditEvent.action, AuditEvent.target)
                                              .order_by(AuditEvent.seq)) if row.action.startswith(("group", "job"))]


def test_the_groups_page_lists_groups_with_their_member_counts(hr, company):
    people = [make_user(company=company) for _ in range(3)]
    make_group(company, "Warehouse Gent", "site", members=people)
    make_group(company, "Accounting", members=people[:1])
    make_group(make_company(), "Hidden elsewhere")
    page = hr.get("/company/groups").text
    assert page.index("Accounting") < page.index("Warehouse Gent")
    assert "3 people" in page and "1 person" in page and "Site" in page
    assert "Hidden elsewhere" not in page


def test_creating_a_group_records_it(hr, company):
    response = hr.submit("/company/groups", {"name": "  Antwerp site ", "kind": "site"}, form_page="/company/groups")
    assert response.status_code == 302
    group = db.session.scalar(select(Group))
    assert (group.company_id, group.name, group.kind) == (company.id, "Antwerp site", "site")
    assert "The group Antwerp site has been created." in hr.get(response.headers["Location"]).text
    assert actions() == [("group.created", f"group:{group.id}")]


@pytest.mark.parametrize("name, message", [
    ("", "Please fill in this field."),
    ("   ", "Please fill in this field."),
    ("x" * 101, "Use at most 100 characters."),
    ("logistics", "Your company already has a group with this name."),
])
def test_a_group_name_must_be_filled_short_and_new(hr, company, name, message):
    make_group(company, "Logistics")
    response = hr.submit("/company/groups", {"name": name, "kind": "team"}, form_page="/company/groups")
    assert response.status_code == 200
    assert message in response.text
    assert db.session.scalar(select(db.func.count(Group.id))) == 1


def test_validation_is_translated(hr, admin, company):
    make_group(company, "Logistiek")
    admin.language = "fr"
    db.session.commit()
    response = hr.submit("/company/groups", {"name": "LOGISTIEK", "kind": "team"}, form_page="/company/groups")
    assert "Votre entreprise a déjà un groupe portant ce nom." in response.text


def test_another_company_may_use_the_same_name(hr, company):
    make_group(make_company(), "Logistics")
    response = hr.submit("/company/groups", {"name": "Logistics", "kind": "team"}, form_page="/company/groups")
    assert response.status_code == 302


def test_renaming_a_group(hr, company):
    group = make_group(company, "Logistics")
    make_group(company, "Sales")
    path = f"/company/groups/{group.id}/edit"
    assert 'value="Logistics"' in hr.get(path).text
    assert "already has a group" in hr.submit(path, {"name": "sales", "kind": "team"}, form_page=path).text
    assert hr.submit(path, {"name": "Logistics & transport", "kind": "team"}, form_page=path).status_code == 302
    db.session.refresh(group)
    assert (group.name, group.kind) == ("Logistics & transport", "team")
    assert actions()[-1] == ("group.renamed", f"group:{group.id}")


def test_deleting_a_group_asks_first_and_keeps_its_members(hr, company, changes):
    anna = make_user(company=company)
    group_id = make_group(company, "Logistics", members=[anna]).id
    path = f"/company/groups/{group_id}/delete"
    confirm = hr.get(path)
    assert confirm.status_code == 200 and "Delete the group “Logistics”?" in confirm.text
    assert "Its 1 member stays in your company" in confirm.text
    assert db.session.get(Group, group_id) is not None  # asking deletes nothing
    assert hr.submit(path, form_page=path).status_code == 302
    db.session.expire_all()
    assert db.session.get(Group, group_id) is None
    assert db.session.get(User, anna.id) is not None
    assert db.session.scalar(select(GroupMember)) is None
    assert changes == [(company.id, [anna.id])]
    assert actions()[-1] == ("group.deleted", f"group:{group_id}")


def test_job_roles_are_listed_created_renamed_and_deleted(hr, company, changes):
    anna = make_user(company=company)
    role_id = make_role(company, "Forklift driver", people=[anna]).id
    page = hr.get("/company/roles").text
    assert "Forklift driver" in page and "1 person" in page
    assert hr.submit("/company/roles", {"name": "Planner"}, form_page="/company/roles").status_code == 302
    assert "already has a job role" in hr.submit("/company/roles", {"name": "PLANNER"},
                                                 form_page="/company/roles").text
    path = f"/company/roles/{role_id}/edit"
    assert hr.submit(path, {"name": "Reach truck driver"}, form_page=path).status_code == 302
    assert db.session.get(JobRole, role_id).name == "Reach truck driver"
    path = f"/company/roles/{role_id}/delete"
    assert "1 person has this job role and will have none" in hr.get(path).text
    assert hr.submit(path, form_page=path).status_code == 302
    db.session.expire_all()
    assert db.session.get(JobRole, role_id) is None and db.session.get(User, anna.id).job_role_id is None
    assert changes == [(company.id, [anna.id])]
    assert [action for action, _target in actions()] == ["job_role.created", "job_role.renamed",
                                                          "job_role.deleted"]


@pytest.mark.parametrize("path", ["/company/groups/{group}/edit", "/company/groups/{group}/delete",
                                  "/company/roles/{role}/edit", "/company/roles/{role}/delete"])
def test_another_company_s_group_or_role_is_not_found(hr, path):
    other = make_company()
    url = path.format(group=make_group(other).id, role=make_role(other).id)
    assert hr.get(url).status_code == 404
    assert hr.submit(url, {"name": "Taken over"}).status_code == 404
    assert db.session.scalar(select(db.func.count(Group.id))) == 1
    assert db.session.scalar(select(db.func.count(JobRole.id))) == 1


def test_members_are_added_once_and_removed_with_a_signal_and_an_audit_event(admin, company, changes):
    anna = make_user(company=company)
    group = make_group(company)
    groups.add_member(group, anna, actor=admin)
    groups.add_member(group, anna, actor=admin)
    groups.remove_member(group, anna, actor=admin)
    groups.remove_member(group, anna, actor=admin)
    db.session.commit()
    assert changes == [(company.id, [anna.id]), (company.id, [anna.id])]
    assert [action for action, _target in actions()] == ["group.member_added", "group.member_removed"]


def test_a_person_of_another_company_cannot_join_a_group(admin, company):
    with pytest.raises(NotFound):
        groups.add_member(make_group(company), make_user(company=make_company()), actor=admin)


def test_services_never_reach_another_company(admin):
    other = make_company()
    with pytest.raises(NotFound):
        groups.get_group(admin, make_group(other).id)
    with pytest.raises(NotFound):
        groups.get_job_role(admin, make_role(other).id)
    with pytest.raises(RuleViolation):
        groups.create_group(admin, name="Team", kind="squad")


def test_the_groups_list_takes_the_same_queries_whatever_its_size(hr, company, count_queries):
    def counts():
        result = {}
        for path in ("/company/groups", "/company/roles", "/company/employees"):
            hr.get(path)
            with count_queries() as counter:
                assert hr.get(path).status_code == 200
            result[path] = counter.count
        return result

    make_group(company, "First", members=[make_user(company=company)])
    make_role(company, "First")
    small = counts()
    people = [make_user(company=company) for _ in range(6)]
    for n in range(8):
        make_group(company, f"Group {n}", members=people[: n % 4])
        make_role(company, f"Role {n}", people=people[n % 3: n % 3 + 1])
    assert counts() == small
