"""People: the employees list, the employee page with the whole training record, details and groups,
deactivation and admin rights; always within the company admin's own company."""

from datetime import timedelta

import pytest
from sqlalchemy import insert, select

from oscart.accounts.models import User
from oscart.audit.models import AuditEvent
from oscart.auth.models import UserSession
from oscart.classroom.models import Attendance
from oscart.classroom.sessions import session_parts
from oscart.companies.models import Group, GroupMember, JobRole
from oscart.core.database import utcnow
from oscart.core.exceptions import RuleViolation
from oscart.core.extensions import db
from oscart.core.security import COMPANY_ADMIN, TRAINEE, TRAINER
from oscart.core.signals import people_changed
from oscart.workspace import people
from tests.factories import (
    make_certificate,
    make_classroom_course,
    make_company,
    make_course,
    make_elearning_course,
    make_enrolment,
    make_registration,
    make_training_session,
    make_user,
    past_parts,
)


@pytest.fixture
def company():
    return make_company(name="Acme People")


@pytest.fixture
def admin(company):
    return make_user(role=COMPANY_ADMIN, company=company, language="en", first_name="Hanna", last_name="Roels")


@pytest.fixture
def hr(browser, admin):
    browser.login(admin.email)
    return browser


@pytest.fixture
def anna(company):
    return make_user(company=company, first_name="Anna", last_name="Peeters", email="anna@acme.example")


@pytest.fixture
def changes():
    sent = []

    def receiver(company_id, *, user_ids=(), **_details):
        sent.append((company_id, sorted(user_ids)))

    people_changed.connect(receiver)
    yield sent
    people_changed.disconnect(receiver)


def make_group(company, name="Logistics", members=()):
    group = Group(company_id=company.id, name=name)
    db.session.add(group)
    db.session.flush()
    db.session.add_all(GroupMember(group_id=group.id, user_id=user.id) for user in members)
    db.session.commit()
    return group


def make_role(company, name="Forklift driver"):
    role = JobRole(company_id=company.id, name=name)
    db.session.add(role)
    db.session.commit()
    return role


def recorded(action):
    return db.session.scalars(select(AuditEvent.subject_id).where(AuditEvent.action == action)).all()


def follow(browser, response):
    assert response.status_code == 302, response.status_code
    return browser.get(response.headers["Location"]).text


# --- The list ----------------------------------------------------------------------------------------

def test_the_list_links_each_name_to_the_employee_page(hr, anna):
    page = hr.get("/company/employees").text
    assert f'href="/company/employees/{anna.id}">Peeters, Anna</a>' in page


def test_deactivated_people_are_left_out_unless_asked_for(hr, company, anna):
    gone = make_user(company=company, last_name="Gone", is_active=False, deactivated_at=utcnow())
    assert "Gone" not in hr.get("/company/employees").text
    deactivated = hr.get("/company/employees?state=deactivated").text
    assert "Gone" in deactivated and "Peeters" not in deactivated
    everyone = hr.get("/company/employees?state=all").text
    assert "Gone" in everyone and "Peeters" in everyone
    assert f"/company/employees/{gone.id}" in everyone


def test_the_list_filters_by_group_and_job_role_and_searches_employee_numbers(hr, company, anna):
    bert = make_user(company=company, last_name="Bertels", employee_number="E-0042")
    group, role = make_group(company, "Warehouse", members=[anna]), make_role(company)
    bert.job_role_id = role.id
    db.session.commit()
    by_group = hr.get(f"/company/employees?group={group.id}").text
    assert "Peeters" in by_group and "Bertels" not in by_group
    by_role = hr.get(f"/company/employees?job_role={role.id}").text
    assert "Bertels" in by_role and "Peeters" not in by_role and "Forklift driver" in by_role
    assert "Bertels" in hr.get("/company/employees?q=e-0042").text
    assert "Warehouse" in hr.get("/company/employees").text  # the groups column


def test_another_company_s_group_in_the_filter_finds_nobody(hr, anna):
    other = make_company()
    group = make_group(other, members=[make_user(company=other, last_name="Outsider")])
    page = hr.get(f"/company/employees?group={group.id}").text
    assert "Outsider" not in page and "Peeters" not in page


def test_list_pages_take_the_same_queries_whatever_the_number_of_employees(hr, company, count_queries):
    def count(path):
        hr.get(path)
        with count_queries() as counter:
            assert hr.get(path).status_code == 200
        return counter.count

    group, role = make_group(company), make_role(company)
    first = make_user(company=company, job_role_id=role.id, first_name="Alma")
    db.session.add(GroupMember(group_id=group.id, user_id=first.id))
    db.session.commit()
    paths = ("/company/employees", "/company/employees?state=all&q=a",
             f"/company/employees?group={group.id}&job_role={role.id}")
    small = [count(path) for path in paths]
    db.session.execute(insert(User), [
        {"email": f"many{n}@example.com", "first_name": "Many", "last_name": f"Person{n:03}", "language": "nl",
         "role": TRAINEE, "company_id": company.id, "job_role_id": role.id} for n in range(40)])
    ids = db.session.scalars(select(User.id).where(User.email.like("many%"))).all()
    db.session.execute(insert(GroupMember), [{"group_id": group.id, "user_id": user_id} for user_id in ids])
    db.session.commit()
    assert [count(path) for path in paths] == small


# --- The employee page -------------------------------------------------------------------------------

def test_the_employee_page_shows_the_whole_training_record(hr, company, anna):
    due = make_elearning_course(titles={"en": "Forklift safety"})
    make_enrolment(anna, due, progress_percent=40, due_at=utcnow() + timedelta(days=10))
    late = make_elearning_course(titles={"en": "Fire drill"})
    make_enrolment(anna, late, due_at=utcnow() - timedelta(days=3))
    certificate = make_certificate(anna, make_course(titles={"en": "First aid"}, validity_months=24))
    session = make_training_session(make_classroom_course(title="Ladder work"), parts=past_parts(count=2))
    make_registration(session, anna)
    part = session_parts(session.id)[0]
    db.session.add(Attendance(part_id=part.id, session_id=session.id, part_starts_at=part.starts_at,
                              user_id=anna.id, status="present", minutes=240))
    db.session.commit()
    page = hr.get(f"/company/employees/{anna.id}").text
    assert "Forklift safety" in page and 'value="40"' in page
    assert "Fire drill" in page and "Overdue" in page
    assert "Ladder work" in page and "Present at 1 of 2 parts" in page and "240 min" in page
    assert "First aid" in page and f"/certificates/{certificate.id}/download" in page
    assert hr.get(f"/certificates/{certificate.id}/download").status_code == 200


def test_the_employee_page_shows_groups_job_role_manager_and_number(hr, company, anna, admin):
    make_group(company, "Warehouse Gent", members=[anna])
    anna.job_role_id, anna.manager_id, anna.employee_number = make_role(company).id, admin.id, "E-7"
    db.session.commit()
    page = hr.get(f"/company/employees/{anna.id}").text
    assert "Warehouse Gent" in page and "Forklift driver" in page and "Hanna Roels" in page and "E-7" in page


def test_another_company_s_person_is_not_found(hr):
    stranger = make_user(company=make_company())
    for path in ("", "/edit"):
        assert hr.get(f"/company/employees/{stranger.id}{path}").status_code == 404
    for action in ("deactivate", "reactivate", "make-admin", "remove-admin", "edit"):
        assert hr.submit(f"/company/employees/{stranger.id}/{action}").status_code == 404
    db.session.refresh(stranger)
    assert stranger.is_active and stranger.role == TRAINEE


def test_the_employee_page_takes_the_same_queries_whatever_the_record(hr, company, anna, count_queries):
    def count():
        path = f"/company/employees/{anna.id}"
        hr.get(path)
        with count_queries() as counter:
            assert hr.get(path).status_code == 200
        return counter.count

    small = count()
    for n in range(4):
        make_enrolment(anna, make_elearning_course(titles={"en": f"Course {n}"}))
        make_certificate(anna, make_course(titles={"en": f"Certified {n}"}))
        make_registration(make_training_session(make_classroom_course(title=f"Session {n}")), anna)
        make_group(company, f"Group {n}", members=[anna])
        make_user(company=company)  # more people in the company
    # the session load; the person, their groups, courses, sessions and certificates in one statement
    assert (small, count()) == (2, 2)


# --- Details and groups ------------------------------------------------------------------------------

def edit(hr, person, **data):
    path = f"/company/employees/{person.id}/edit"
    return hr.submit(path, {"employee_number": "", "job_role_id": "", "manager_email": "", **data}, form_page=path)


def test_details_and_groups_are_saved_with_signals_and_audit_events(hr, company, anna, admin, changes):
    logistics, sales = make_group(company, "Logistics"), make_group(company, "Sales", members=[anna])
    role = make_role(company)
    response = edit(hr, anna, employee_number=" E-1 ", job_role_id=str(role.id), manager_email=admin.email.upper(),
                    group_ids=[str(logistics.id)])
    assert "The details of Anna Peeters have been saved." in follow(hr, response)
    db.session.refresh(anna)
    assert (anna.employee_number, anna.job_role_id, anna.manager_id) == ("E-1", role.id, admin.id)
    groups = set(db.session.scalars(select(GroupMember.group_id).where(GroupMember.user_id == anna.id)))
    assert groups == {logistics.id}
    assert sales.id not in groups
    assert changes == [(company.id, [anna.id])] * 3  # joined one group, left another, new job role
    assert recorded("employee.updated") == [anna.id]
    assert recorded("group.member_added") == [anna.id] and recorded("group.member_removed") == [anna.id]


def test_the_edit_form_shows_the_current_values(hr, company, anna, admin):
    group = make_group(company, "Logistics", members=[anna])
    anna.manager_id, anna.employee_number = admin.id, "E-9"
    db.session.commit()
    page = hr.get(f"/company/employees/{anna.id}/edit").text
    assert 'value="E-9"' in page and f'value="{admin.email}"' in page
    assert f'<input checked id="group_ids-0" name="group_ids" type="checkbox" value="{group.id}">' in page


@pytest.mark.parametrize("data, message", [
    ({"employee_number": "E-2"}, "Another person in your company has this employee number."),
    ({"employee_number": "x" * 51}, "Use at most 50 characters."),
    ({"manager_email": "nobody@example.com"}, "No active person of your company has this e-mail address."),
    ({"manager_email": "anna@acme.example"}, "A person cannot be their own manager."),
    ({"manager_email": "not an address"}, "Enter a valid e-mail address"),
])
def test_wrong_details_are_refused_with_a_message(hr, company, anna, data, message):
    make_user(company=company, employee_number="E-2")
    response = edit(hr, anna, **data)
    assert response.status_code == 200 and message in response.text
    db.session.refresh(anna)
    assert anna.employee_number is None and anna.manager_id is None


def test_another_company_s_manager_group_or_role_is_refused(hr, anna):
    other = make_company()
    outsider = make_user(company=other)
    assert "No active person" in edit(hr, anna, manager_email=outsider.email).text
    assert edit(hr, anna, group_ids=[str(make_group(other).id)]).status_code == 200
    assert edit(hr, anna, job_role_id=str(make_role(other).id)).status_code == 200
    db.session.refresh(anna)
    assert anna.manager_id is None and anna.job_role_id is None
    assert db.session.scalar(select(GroupMember)) is None


# --- Deactivation ------------------------------------------------------------------------------------

def test_deactivating_ends_sessions_at_once_and_keeps_the_record(app, hr, company, anna, changes):
    from tests.helpers import Browser

    trainee = Browser(app.test_client())
    trainee.login(anna.email)
    assert trainee.get("/dashboard").status_code == 200
    certificate = make_certificate(anna)
    page = follow(hr, hr.submit(f"/company/employees/{anna.id}/deactivate"))
    assert "Anna Peeters has been deactivated and can no longer log in." in page
    db.session.refresh(anna)
    assert not anna.is_active and anna.deactivated_at is not None
    assert db.session.scalar(select(UserSession).where(UserSession.user_id == anna.id,
                                                       UserSession.revoked_at.is_(None))) is None
    assert trainee.get("/dashboard").status_code == 302  # logged out
    assert trainee.login(anna.email).status_code == 200  # and cannot log in again
    assert hr.get(f"/company/employees/{anna.id}").status_code == 200
    assert f"/certificates/{certificate.id}/download" in hr.get(f"/company/employees/{anna.id}").text
    assert changes == [(company.id, [anna.id])] and recorded("user.deactivated") == [anna.id]


def test_reactivating_lets_the_person_log_in_again(app, hr, company, anna, changes):
    anna.is_active, anna.deactivated_at = False, utcnow()
    db.session.commit()
    page = follow(hr, hr.submit(f"/company/employees/{anna.id}/reactivate"))
    assert "Anna Peeters has been reactivated" in page
    db.session.refresh(anna)
    assert anna.is_active and anna.deactivated_at is None
    assert changes == [(company.id, [anna.id])] and recorded("user.reactivated") == [anna.id]
    from tests.helpers import Browser

    assert Browser(app.test_client()).login(anna.email).status_code == 302


def test_an_admin_cannot_deactivate_themselves_or_remove_their_own_rights(hr, admin, company):
    make_user(role=COMPANY_ADMIN, company=company)  # another admin: still not oneself
    for action in ("deactivate", "remove-admin"):
        page = follow(hr, hr.submit(f"/company/employees/{admin.id}/{action}"))
        assert "You cannot deactivate yourself or remove your own admin rights." in page
    db.session.refresh(admin)
    assert admin.is_active and admin.role == COMPANY_ADMIN


# --- Admin rights ------------------------------------------------------------------------------------

def test_the_first_admin_appoints_a_second_who_can_then_manage(app, hr, company, anna):
    page = follow(hr, hr.submit(f"/company/employees/{anna.id}/make-admin"))
    assert "Anna Peeters is now a company admin." in page
    db.session.refresh(anna)
    assert anna.role == COMPANY_ADMIN and recorded("employee.admin_appointed") == [anna.id]
    from tests.helpers import Browser

    second = Browser(app.test_client())
    second.login(anna.email)
    assert second.get("/company/employees").status_code == 200


def test_removing_admin_rights_makes_a_trainee_again(hr, company, admin):
    second = make_user(role=COMPANY_ADMIN, company=company, first_name="Sam", last_name="Second")
    assert "Sam Second is no longer a company admin." in follow(hr, hr.submit(
        f"/company/employees/{second.id}/remove-admin"))
    db.session.refresh(second)
    assert second.role == TRAINEE and recorded("employee.admin_revoked") == [second.id]


def test_a_company_keeps_at_least_one_active_admin(admin, company):
    second = make_user(role=COMPANY_ADMIN, company=company)
    people.deactivate_person(admin, actor=second)  # the other admin remains
    db.session.commit()
    with pytest.raises(RuleViolation) as error:
        people.deactivate_person(second, actor=admin)  # would leave none active
    assert error.value.message is people.LAST_ADMIN
    with pytest.raises(RuleViolation):
        people.revoke_admin(second, actor=admin)


def test_a_new_admin_enrols_for_two_step_login_first_where_the_company_requires_it(hr, company, anna):
    company.two_step_policy = "admins"
    db.session.commit()
    hr.submit(f"/company/employees/{anna.id}/make-admin")
    assert db.session.scalar(select(UserSession).where(UserSession.user_id == anna.id,
                                                       UserSession.revoked_at.is_(None))) is None


def test_only_active_trainees_become_admins(admin, company):
    gone = make_user(company=company, is_active=False)
    with pytest.raises(RuleViolation):
        people.appoint_admin(gone, actor=admin)
    trainer = make_user(role=TRAINER, company=company)
    with pytest.raises(RuleViolation):
        people.appoint_admin(trainer, actor=admin)
