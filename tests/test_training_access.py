"""Who may open what: roles across two companies; another company's ids answer 404 like missing ones."""

import pytest

from oscart.core.extensions import db
from oscart.core.security import COMPANY_ADMIN, PLATFORM_ADMIN, TRAINEE, TRAINER
from oscart.training.models import CompanyNews
from tests.factories import lesson_ids, make_company, make_elearning_course, make_enrolment, make_user

ROLES = (TRAINEE, TRAINER, COMPANY_ADMIN, PLATFORM_ADMIN)


@pytest.fixture
def world():
    acme, globex = make_company(name="Acme"), make_company(name="Globex")
    return {
        "acme": acme, "globex": globex,
        "global": make_elearning_course(titles={"nl": "Voor iedereen"}),
        "acme_only": make_elearning_course(titles={"nl": "Acme procedure"}, is_global=False, owner=acme),
        "assigned_globex": make_elearning_course(titles={"nl": "Voor Globex"}, is_global=False, companies=[globex]),
        "draft": make_elearning_course(titles={"nl": "Concept"}, status="draft"),
    }


def _user(role, company):
    return make_user(role=role, company=company if role in (TRAINEE, COMPANY_ADMIN) else None)


@pytest.mark.parametrize("role", ROLES)
def test_catalogue_shows_only_visible_courses(browser, world, role):
    user = _user(role, world["acme"])
    browser.login(user.email)
    page = browser.get("/training/").text
    is_staff = user.company_id is None  # Oscart staff see every Oscart course, no company's own
    assert "Voor iedereen" in page and "Concept" not in page
    assert ("Voor Globex" in page) == is_staff
    assert ("Acme procedure" in page) == (not is_staff)


@pytest.mark.parametrize("role", (TRAINEE, COMPANY_ADMIN))
@pytest.mark.parametrize(("course", "status"), [("global", 200), ("acme_only", 404), ("assigned_globex", 200),
                                                ("draft", 404)])
def test_course_page_for_globex_people(browser, world, role, course, status):
    browser.login(_user(role, world["globex"]).email)
    assert browser.get(f"/training/courses/{world[course].id}").status_code == status


@pytest.mark.parametrize("path", ["/training/courses/{c}/lessons/{l}", "/training/courses/{c}"])
def test_foreign_lesson_ids_answer_404(browser, world, path):
    acme_course = world["acme_only"]
    browser.login(make_user(company=world["globex"]).email)
    url = path.format(c=acme_course.id, l=lesson_ids(acme_course)[0])
    assert browser.get(url).status_code == 404
    assert browser.submit(f"/training/courses/{acme_course.id}/enrol").status_code == 404


def test_lesson_of_another_course_answers_404(browser, world):
    user = make_user(company=world["acme"])
    make_enrolment(user, world["global"])
    browser.login(user.email)
    other_lesson = lesson_ids(world["acme_only"])[0]
    assert browser.get(f"/training/courses/{world['global'].id}/lessons/{other_lesson}").status_code == 404


@pytest.mark.parametrize(("role", "status"), [(TRAINEE, 403), (TRAINER, 200), (COMPANY_ADMIN, 200),
                                              (PLATFORM_ADMIN, 200)])
def test_authoring_list_by_role(browser, world, role, status):
    browser.login(_user(role, world["acme"]).email)
    assert browser.get("/training/manage/").status_code == status


@pytest.mark.parametrize(("role", "course", "status"), [
    (TRAINER, "global", 200), (PLATFORM_ADMIN, "draft", 200), (PLATFORM_ADMIN, "acme_only", 404),
    (COMPANY_ADMIN, "acme_only", 200), (COMPANY_ADMIN, "global", 404), (TRAINEE, "global", 403),
])
@pytest.mark.parametrize("page", ["", "/editor", "/images", "/quiz", "/texts/fr"])
def test_authoring_pages_are_scoped(browser, world, role, course, status, page):
    browser.login(_user(role, world["acme"]).email)
    if page == "/texts/fr" and status == 200:
        status = 302  # the former page of one language leads to its part of the course screen
    assert browser.get(f"/training/manage/{world[course].id}{page}").status_code == status


def test_globex_admin_cannot_touch_acme_course(browser, world):
    browser.login(make_user(role=COMPANY_ADMIN, company=world["globex"]).email)
    course = world["acme_only"]
    assert browser.submit(f"/training/manage/{course.id}/status", {"action": "archive"}).status_code == 404
    assert browser.submit(f"/training/manage/{course.id}/lessons", {"new-title": "x"}).status_code == 404
    db.session.refresh(course)
    assert course.status == "published"


@pytest.mark.parametrize(("role", "status"), [(TRAINEE, 403), (TRAINER, 403), (COMPANY_ADMIN, 200),
                                              (PLATFORM_ADMIN, 403)])
@pytest.mark.parametrize("path", ["/training/company/news", "/training/company/assign"])
def test_company_screens_by_role(browser, world, role, status, path):
    browser.login(_user(role, world["acme"]).email)
    assert browser.get(path).status_code == status


def test_foreign_news_answers_404(browser, world):
    news = CompanyNews(company_id=world["acme"].id, title="Welkom", body_html="<p>Hallo</p>")
    db.session.add(news)
    db.session.commit()
    browser.login(make_user(role=COMPANY_ADMIN, company=world["globex"]).email)
    assert browser.get(f"/training/company/news/{news.id}").status_code == 404
    assert browser.submit(f"/training/company/news/{news.id}/delete").status_code == 404


def test_news_is_shown_only_to_own_employees(browser, world):
    db.session.add(CompanyNews(company_id=world["acme"].id, title="Welkom bij Acme", body_html="<p>Hallo</p>",
                               is_pinned=True))
    db.session.commit()
    browser.login(make_user(company=world["acme"]).email)
    assert "Welkom bij Acme" in browser.get("/dashboard").text
    browser.logout()
    browser.login(make_user(company=world["globex"]).email)
    assert "Welkom bij Acme" not in browser.get("/dashboard").text


@pytest.mark.parametrize("path", ["/training/", "/dashboard", "/training/manage/",
                                  "/training/company/news"])
def test_anonymous_visitors_are_sent_to_login(client, path):
    response = client.get(path)
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
