"""The key training pages run the same number of SQL queries on small and on larger data."""

from datetime import timedelta

from oscart.database import utcnow
from oscart.extensions import db
from oscart.training.models import CompanyNews, LessonProgress
from tests.factories import lesson_ids, make_company, make_elearning_course, make_enrolment, make_user

ALL = {"nl": "Cursus", "fr": "Cours", "de": "Kurs", "en": "Course"}


def _world(size):
    company = make_company()
    anna = make_user(company=company)
    main = make_elearning_course(titles=ALL, lessons=2 + size)
    courses = [make_elearning_course(titles={k: f"{v} {n}" for k, v in ALL.items()}, lessons=1)
               for n in range(size * 3)]
    enrolment = make_enrolment(anna, main, due_at=utcnow() + timedelta(days=3))
    for lesson_id in lesson_ids(main)[: 1 + size]:
        db.session.add(LessonProgress(enrolment_id=enrolment.id, lesson_id=lesson_id))
    for n, course in enumerate(courses[:size * 2]):
        make_enrolment(anna, course, status="completed" if n % 2 else "in_progress", completed_at=utcnow())
    for n in range(size):
        db.session.add(CompanyNews(company_id=company.id, title=f"Nieuws {n}", body_html="<p>x</p>"))
    db.session.commit()
    return anna, main


def _counts(browser, count_queries, anna, course):
    lesson_id = lesson_ids(course)[0]
    urls = {"catalogue": "/training/", "course": f"/training/courses/{course.id}",
            "lesson": f"/training/courses/{course.id}/lessons/{lesson_id}", "dashboard": "/dashboard",
            "search": "/training/?q=cours&language=fr"}
    browser.login(anna.email)
    counts = {}
    for name, url in urls.items():
        assert browser.get(url).status_code == 200  # warm up: the course page records a view once
        with count_queries() as counter:
            assert browser.get(url).status_code == 200
        counts[name] = counter.count
    return counts


def test_query_counts_do_not_grow_with_data(browser, count_queries):
    anna, course = _world(1)
    small = _counts(browser, count_queries, anna, course)
    browser.logout()
    anna, course = _world(12)
    large = _counts(browser, count_queries, anna, course)
    assert small == large, (small, large)
    assert max(small.values()) <= 12
