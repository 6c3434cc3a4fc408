"""A company admin registers employees for a session from a searched, paged list of the company's people."""

import re

import pytest
from sqlalchemy import insert

from oscart.accounts.models import User
from oscart.core.extensions import db
from oscart.core.security import TRAINEE
from tests.classroom_helpers import make_world
from tests.factories import make_registration, make_training_session, make_user


@pytest.fixture
def world():
    return make_world()


def add_people(company, count, prefix="Bulk"):
    """``count`` active trainees of ``company`` named ``<prefix> 000``, ``<prefix> 001``, ... in one statement."""
    db.session.execute(insert(User), [
        {"email": f"{prefix.lower()}-{company.id}-{n}@example.com", "first_name": "Person",
         "last_name": f"{prefix} {n:03d}", "role": TRAINEE, "company_id": company.id, "language": "en"}
        for n in range(count)])
    db.session.commit()


def checkboxes(page):
    """The labels of the employees' check boxes on a session's page."""
    return re.findall(r'<label for="emp-\d+">([^<]+) <span', page.text)


def test_the_list_shows_one_page_of_people_in_a_fixed_number_of_queries(browser, world, count_queries):
    session = make_training_session(world.course, capacity=3)
    browser.login(world.hr_acme.email)
    url = f"/classroom/sessions/{session.id}"
    browser.get(url)
    with count_queries() as small:
        browser.get(url)
    add_people(world.acme, 60)
    for person in make_user(company=world.acme), make_user(company=world.acme), world.anna, world.pieter:
        make_registration(session, person)
    make_registration(session, make_user(company=world.acme), status="waitlisted", position=1)
    with count_queries() as large:
        page = browser.get(url)
    assert large.count == small.count
    assert len(checkboxes(page)) == 25
    assert "66 people found." in page.text and "Page 1 of 3" in page.text
    assert "Your employees in this session: 4 registered, 1 on the waiting list." in page.text


def test_the_second_page_goes_on_by_name(browser, world):
    add_people(world.acme, 30)
    session = make_training_session(world.course)
    browser.login(world.hr_acme.email)
    names = checkboxes(browser.get(f"/classroom/sessions/{session.id}?page=2"))
    # Acme, Hilde (the admin herself) and Bulk 000-023 fill the first page.
    assert names == ["Bulk 024, Person", "Bulk 025, Person", "Bulk 026, Person", "Bulk 027, Person",
                     "Bulk 028, Person", "Bulk 029, Person", "Jansen, Anna", "Willems, Pieter"]


@pytest.mark.parametrize("search", ["anna jansen", "JANSEN", "anna.jansen@", "EMP-77"])
def test_search_finds_a_person_by_name_e_mail_or_employee_number(browser, world, search):
    world.anna.email, world.anna.employee_number = "anna.jansen@acme.example", "EMP-77"
    db.session.commit()
    add_people(world.acme, 30)
    session = make_training_session(world.course)
    browser.login(world.hr_acme.email)
    page = browser.get(f"/classroom/sessions/{session.id}", query_string={"q": search})
    assert checkboxes(page) == ["Jansen, Anna"]
    assert f'value="{search}"' in page.text


def test_search_never_finds_another_companys_people(browser, world):
    session = make_training_session(world.course)
    browser.login(world.hr_acme.email)
    page = browser.get(f"/classroom/sessions/{session.id}?q=martin")
    assert checkboxes(page) == [] and "No employees found." in page.text
    assert "Register selected" not in page.text


def test_deactivated_and_restricted_people_are_not_offered(browser, world):
    world.pieter.is_active = False
    make_user(company=world.acme, first_name="Rita", last_name="Restricted", is_restricted=True)
    db.session.commit()
    session = make_training_session(world.course)
    browser.login(world.hr_acme.email)
    assert checkboxes(browser.get(f"/classroom/sessions/{session.id}")) == ["Acme, Hilde", "Jansen, Anna"]


def test_the_list_narrows_to_who_is_or_is_not_registered(browser, world):
    add_people(world.acme, 30)
    session = make_training_session(world.course, capacity=1)
    make_registration(session, world.pieter)
    make_registration(session, world.anna, status="waitlisted", position=1)
    cancelled = make_user(company=world.acme, first_name="Carl", last_name="Cancelled")
    make_registration(session, cancelled, status="cancelled")
    make_registration(session, world.bruno, status="waitlisted", position=2)  # Globex: never Acme's to see
    browser.login(world.hr_acme.email)
    url = f"/classroom/sessions/{session.id}"
    page = browser.get(url, query_string={"show": "registered"})
    assert checkboxes(page) == ["Jansen, Anna", "Willems, Pieter"]
    assert "Waiting list (1)" in page.text and "Registered" in page.text
    assert checkboxes(browser.get(url, query_string={"show": "unregistered", "q": "ca"})) == ["Cancelled, Carl"]
    assert checkboxes(browser.get(url, query_string={"show": "unregistered", "q": "jansen"})) == []
    assert "32 people found." in browser.get(url, query_string={"show": "unregistered"}).text
    assert "Your employees in this session: 1 registered, 1 on the waiting list." in page.text


def test_an_unknown_choice_lists_everyone(browser, world):
    session = make_training_session(world.course)
    browser.login(world.hr_acme.email)
    page = browser.get(f"/classroom/sessions/{session.id}?show=everything&page=x")
    assert checkboxes(page) == ["Acme, Hilde", "Jansen, Anna", "Willems, Pieter"]


def test_registering_from_a_search_comes_back_to_it(browser, world):
    add_people(world.acme, 30)
    session = make_training_session(world.course)
    browser.login(world.hr_acme.email)
    page = browser.get(f"/classroom/sessions/{session.id}?q=bulk&show=unregistered&page=2")
    action = re.search(r'<form method="post" action="([^"]+)" class="classroom-roster"', page.text).group(1)
    assert action == f"/classroom/sessions/{session.id}/employees?q=bulk&amp;show=unregistered&amp;page=2"
    response = browser.submit(action.replace("&amp;", "&"), {"user_ids": [str(world.anna.id)],
                                                              "action": "register"})
    assert response.headers["Location"] == f"/classroom/sessions/{session.id}?q=bulk&show=unregistered&page=2"
    assert "Anna Jansen is registered." in browser.get(response.headers["Location"]).text
