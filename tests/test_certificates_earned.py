"""Finishing a course leads straight to the certificate: view, download, and what comes next."""

from sqlalchemy import select

from oscart.certificates.models import Certificate
from oscart.core.extensions import db
from oscart.training.models import Enrolment
from tests.factories import lesson_ids, make_certificate, make_course, make_elearning_course, make_user


def test_the_last_lesson_leads_to_the_certificate(browser):
    anna = make_user(language="en")
    course = make_elearning_course(lessons=1, titles={"en": "Fire safety"})
    [lesson] = lesson_ids(course)
    browser.login(anna.email)
    browser.submit(f"/training/courses/{course.id}/enrol")
    enrolment = db.session.scalar(select(Enrolment).where(Enrolment.user_id == anna.id))
    response = browser.submit(f"/training/enrolments/{enrolment.id}/lessons/{lesson}/done")
    assert response.headers["Location"] == f"/certificates/earned/{course.id}"
    page = browser.get(response.headers["Location"]).text
    certificate = db.session.scalar(select(Certificate))
    assert "Congratulations, you have completed this course!" in page
    assert f'href="/certificates/{certificate.id}/download"' in page and certificate.code in page
    assert "What comes next" in page and 'href="/training/"' in page


def test_without_a_certificate_the_course_page_follows(browser):
    anna = make_user(language="en")
    course = make_course(titles={"en": "Forklift"})
    browser.login(anna.email)
    response = browser.get(f"/certificates/earned/{course.id}")
    assert response.status_code == 302 and response.headers["Location"] == f"/training/courses/{course.id}"


def test_only_the_readers_own_certificate_is_shown(browser):
    course = make_course(titles={"en": "Forklift"})
    make_certificate(make_user(language="en"), course)
    browser.login(make_user(language="en").email)
    assert browser.get(f"/certificates/earned/{course.id}").status_code == 302


def test_the_certificate_links_the_last_knowledge_check_with_its_explanations(browser):
    from oscart.core.database import utcnow
    from tests.factories import make_attempt, make_enrolment

    anna, bert = make_user(language="en"), make_user(language="en")
    course = make_elearning_course(titles={"en": "Fire safety"}, quiz={"en": [("Exit?", ["Door", "Window"], 0)]})
    make_certificate(anna, course)
    make_certificate(bert, course)
    def enrolment(person):
        return db.session.scalar(select(Enrolment).where(Enrolment.user_id == person.id)) or make_enrolment(person,
                                                                                                              course)

    first = make_attempt(enrolment(anna), language="en", submitted_at=utcnow(), score_percent=100)
    make_attempt(enrolment(bert), language="en", submitted_at=utcnow(), score_percent=100)
    browser.login(anna.email)
    page = browser.get(f"/certificates/earned/{course.id}").text
    assert f'href="/training/attempts/{first.id}">Your answers and the explanations</a>' in page
    assert page.count("/training/attempts/") == 1  # bert's is not anna's
