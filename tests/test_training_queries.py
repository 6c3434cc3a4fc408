"""The key training pages run the same number of SQL queries on small and on larger data."""

from datetime import timedelta

from oscart.core.database import utcnow
from oscart.core.extensions import db
from oscart.training.models import CompanyNews, LessonProgress
from tests.factories import (
    lesson_ids,
    make_certificate,
    make_classroom_course,
    make_company,
    make_course,
    make_elearning_course,
    make_enrolment,
    make_registration,
    make_training_session,
    make_user,
)

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
    for n in range(1 + size):  # coming classroom sessions: registered, and one on the waiting list
        session = make_training_session(make_classroom_course(title=f"Sessie {n}"), company=company)
        make_registration(session, anna, *(("waitlisted", 1) if n == 1 else ()))
    for n in range(1 + size):  # certificates: the dashboard shows the latest few
        make_certificate(anna, make_course(titles={"nl": f"Certificaat {n}"}, validity_months=12 if n % 2 else None))
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
    # the session load, then one statement for everything the page shows
    assert small == {"catalogue": 2, "search": 2, "course": 2, "lesson": 2, "dashboard": 2}, small


def test_dashboard_lists_coming_sessions_and_latest_certificates(browser):
    anna, _ = _world(4)
    browser.login(anna.email)
    html = browser.get("/dashboard").get_data(as_text=True)
    for n in range(5):
        assert f"Sessie {n}" in html
    assert "Wachtlijst (1)" in html
    assert html.count("/certificates/") >= 3
    shown = [n for n in range(5) if f'<span class="course-title">Certificaat {n}</span>' in html]
    assert len(shown) == 3, shown
    assert "Al mijn certificaten" in html


def test_dashboard_without_sessions_or_certificates_shows_empty_states(browser):
    anna = make_user(company=make_company())
    browser.login(anna.email)
    html = browser.get("/dashboard").get_data(as_text=True)
    assert "U bent niet ingeschreven voor een komende sessie." in html
    assert "Uw certificaten verschijnen hier." in html
    assert 'href="/classroom/"' in html


def test_dashboard_lists_sessions_soonest_first_news_pinned_then_newest_certificates_newest_first(browser):
    company = make_company()
    anna = make_user(company=company)
    now = utcnow().replace(hour=9, minute=0, second=0, microsecond=0)
    for days in (9, 3, 6):
        start = now + timedelta(days=days)
        session = make_training_session(make_classroom_course(title=f"Over {days} dagen"), company=company,
                                        parts=[(start, start + timedelta(hours=2))])
        make_registration(session, anna)
    for days, title, pinned in ((5, "Oud", False), (1, "Nieuw", False), (9, "Vastgezet", True)):
        db.session.add(CompanyNews(company_id=company.id, title=title, body_html="<p>x</p>", is_pinned=pinned,
                                   created_at=now - timedelta(days=days)))
    for days in (40, 10, 20):
        make_certificate(anna, make_course(titles={"nl": f"Behaald {days} dagen geleden"}),
                         completed_at=now - timedelta(days=days))
    browser.login(anna.email)
    html = browser.get("/dashboard").get_data(as_text=True)

    def order(*texts):
        return sorted(texts, key=html.index)

    assert order("Over 9 dagen", "Over 3 dagen", "Over 6 dagen") == ["Over 3 dagen", "Over 6 dagen", "Over 9 dagen"]
    assert order("<h3>Oud</h3>", "<h3>Nieuw</h3>") == ["<h3>Nieuw</h3>", "<h3>Oud</h3>"]
    assert html.index("Vastgezet") < html.index('id="in-progress"')  # pinned: a welcome card at the top
    assert order(*(f"Behaald {days} dagen geleden</span>" for days in (40, 10, 20))) == [
        "Behaald 10 dagen geleden</span>", "Behaald 20 dagen geleden</span>", "Behaald 40 dagen geleden</span>"]
