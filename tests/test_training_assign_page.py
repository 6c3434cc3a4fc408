"""Assigning a course to people of a large company: a search, a page of check boxes, or everyone it finds."""

import re

import pytest
from sqlalchemy import func, insert, select

from oscart.accounts.models import User
from oscart.core.extensions import db
from oscart.core.security import COMPANY_ADMIN, TRAINEE
from oscart.training.models import Enrolment
from tests.assignments_helpers import add_member, make_group, make_job_role
from tests.factories import make_company, make_elearning_course, make_user

PAGE = "/training/company/assign"


@pytest.fixture
def company():
    return make_company(name="Acme Assign")


@pytest.fixture
def hr(browser, company):
    admin = make_user(role=COMPANY_ADMIN, company=company, language="en", first_name="Hanna", last_name="Roels")
    browser.login(admin.email)
    return browser


@pytest.fixture
def course():
    return make_elearning_course(titles={"en": "Safe lifting", "nl": "Veilig heffen"})


def _many(company, count, **fields):
    db.session.execute(insert(User), [
        {"email": f"crew{n}@acme.example", "first_name": "Crew", "last_name": f"Member{n:04}", "language": "nl",
         "role": TRAINEE, "company_id": company.id, **fields} for n in range(count)])
    db.session.commit()
    return db.session.scalars(select(User).where(User.email.like("crew%")).order_by(User.last_name)).all()


def _assigned(course):
    return set(db.session.scalars(select(Enrolment.user_id).where(Enrolment.course_id == course.id)))


def _boxes(html):
    return re.findall(r'name="user_ids" value="(\d+)"', html)


def test_the_page_lists_one_page_of_people_and_counts_everyone(hr, company):
    _many(company, 120)
    html = hr.get(PAGE).text
    assert len(_boxes(html)) == 50
    assert "121 people found." in html  # the admin is one of them
    assert "Everyone the search finds (121 people)" in html
    assert "Page 1 of 3" in html
    assert len(_boxes(hr.get(PAGE + "?page=3").text)) == 21


def test_the_search_finds_people_by_name_e_mail_or_employee_number(hr, company):
    make_user(company=company, first_name="Anna", last_name="Peeters", email="anna@acme.example")
    make_user(company=company, first_name="Bart", last_name="Claes", email="bart@acme.example",
              employee_number="E-778")
    assert "Peeters" in hr.get(PAGE + "?q=peet").text
    by_mail = hr.get(PAGE + "?q=bart@").text
    assert "Claes" in by_mail and "Peeters" not in by_mail
    assert "Claes" in hr.get(PAGE + "?q=E-778").text
    assert "No employees found." in hr.get(PAGE + "?q=nobody-at-all").text


def test_people_of_another_company_are_never_listed_nor_assigned(hr, company, course):
    other = make_company()
    stranger = make_user(company=other, last_name="Outsider")
    group = make_group(other, name="Their site")
    add_member(group, stranger)
    for query in ("?q=Outsider", f"?group={group.id}"):
        html = hr.get(PAGE + query).text
        assert "No employees found." in html and f'id="person-{stranger.id}"' not in html
    response = hr.submit(PAGE + f"?group={group.id}", {"course_id": str(course.id), "everyone": "y"}, form_page=PAGE)
    assert response.status_code == 200 and "Choose employees of your company." in response.text
    response = hr.submit(PAGE, {"course_id": str(course.id), "user_ids": [str(stranger.id)]}, form_page=PAGE)
    assert response.status_code == 200 and _assigned(course) == set()


def test_everyone_the_search_finds_is_assigned_across_pages(hr, company, course, outbox):
    warehouse, drivers = make_group(company), make_job_role(company)
    crew = _many(company, 60, job_role_id=drivers.id)
    add_member(warehouse, *crew[:55])
    outsider = make_user(company=company, last_name="Office")
    query = f"?group={warehouse.id}&job_role={drivers.id}"
    response = hr.submit(PAGE + query, {"course_id": str(course.id), "everyone": "y", "due_date": "2031-01-31"},
                         form_page=PAGE)
    assert response.status_code == 302 and response.headers["Location"].endswith(PAGE + query)
    assert _assigned(course) == {person.id for person in crew[:55]}
    assert outsider.id not in _assigned(course)
    assert "The course has been assigned to 55 people." in hr.get(response.headers["Location"]).text
    assert len(outbox) == 55


def test_the_check_boxes_of_the_page_assign_only_those_people(hr, company, course):
    crew = _many(company, 5)
    response = hr.submit(PAGE, {"course_id": str(course.id), "user_ids": [str(crew[0].id), str(crew[3].id)]},
                         form_page=PAGE)
    assert response.status_code == 302
    assert _assigned(course) == {crew[0].id, crew[3].id}


def test_an_error_keeps_the_search_the_course_and_the_chosen_people(hr, company, course):
    crew = _many(company, 5)
    response = hr.submit(PAGE + "?q=Member0001", {"course_id": str(course.id)}, form_page=PAGE)
    assert response.status_code == 200 and "Choose at least one employee." in response.text
    assert 'value="Member0001"' in response.text  # the search stays
    response = hr.submit(PAGE, {"course_id": str(course.id), "user_ids": [str(crew[2].id)], "due_date": "31-31"},
                         form_page=PAGE)
    assert response.status_code == 200
    assert f'value="{crew[2].id}" id="person-{crew[2].id}" checked' in response.text
    assert re.search(rf'<option selected value="{course.id}"|<option value="{course.id}" selected', response.text)
    assert _assigned(course) == set()


def test_deactivated_people_are_not_offered(hr, company, course):
    make_user(company=company, last_name="Gone", is_active=False)
    make_user(company=company, last_name="Here")
    html = hr.get(PAGE).text
    assert "Here" in html and "Gone" not in html


@pytest.mark.parametrize("language, text", [("nl", "mensen gevonden"), ("fr", "personnes trouvées"),
                                            ("de", "Personen gefunden"), ("en", "people found")])
def test_the_people_picker_speaks_the_admin_s_language(browser, company, language, text):
    admin = make_user(role=COMPANY_ADMIN, company=company, language=language)
    make_user(company=company)
    browser.login(admin.email)
    assert text in browser.get(PAGE).text


def test_the_page_takes_the_same_queries_whatever_the_number_of_people(hr, company, count_queries):
    def count():
        hr.get(PAGE)
        with count_queries() as counter:
            assert hr.get(PAGE).status_code == 200
        return counter.count

    _many(company, 3)
    small = count()
    db.session.execute(insert(User), [
        {"email": f"more{n}@acme.example", "first_name": "More", "last_name": f"Person{n:04}", "language": "nl",
         "role": TRAINEE, "company_id": company.id} for n in range(200)])
    db.session.commit()
    assert db.session.scalar(select(func.count(User.id)).where(User.company_id == company.id)) == 204
    assert count() == small


def test_the_course_menu_offers_visible_courses_with_a_due_date_in_the_admin_s_language(browser, company):
    from tests.factories import make_classroom_course

    admin = make_user(role=COMPANY_ADMIN, company=company, language="fr")
    lifting = make_elearning_course(code="LIFT-1", titles={"nl": "Veilig heffen", "fr": "Lever en sécurité"})
    theirs = make_elearning_course(code="THEIRS-1", is_global=False, owner=make_company())
    classroom = make_classroom_course(code="ROOM-1")
    browser.login(admin.email)
    html = browser.get(PAGE).text
    assert f'value="{lifting.id}">LIFT-1 · Lever en sécurité</option>' in html
    assert f'value="{theirs.id}"' not in html and f'value="{classroom.id}"' not in html
