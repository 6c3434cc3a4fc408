"""Catalogue, course page with language fallback, enrolment, lessons in order, progress, completion, dashboard."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import delete, select

from oscart.audit.models import AuditEvent
from oscart.core.database import utcnow
from oscart.core.extensions import db
from oscart.core.signals import course_completed
from oscart.training.models import CourseView, Enrolment, LessonProgress, LessonTranslation
from tests.factories import lesson_ids, make_company, make_elearning_course, make_enrolment, make_user


@pytest.fixture
def acme():
    return make_company(name="Acme", default_language="fr")


@pytest.fixture
def anna(acme):
    return make_user(company=acme, first_name="Anna", language="nl")


def test_catalogue_searches_and_filters(browser, anna):
    make_elearning_course(titles={"nl": "Veilig heffen", "fr": "Soulever en sécurité"})
    make_elearning_course(titles={"nl": "Brandpreventie"}, format="blended")
    make_elearning_course(titles={"nl": "Concept"}, status="draft")
    browser.login(anna.email)
    page = browser.get("/training/").text
    assert "Veilig heffen" in page and "Brandpreventie" in page and "Concept" not in page
    page = browser.get("/training/?q=heffen").text
    assert "Veilig heffen" in page and "Brandpreventie" not in page
    page = browser.get("/training/?format=blended").text
    assert "Brandpreventie" in page and "Veilig heffen" not in page
    page = browser.get("/training/?language=fr").text
    assert "Veilig heffen" in page and "Brandpreventie" not in page


def test_catalogue_pages_show_each_course_once_in_the_readers_language(browser, anna):
    for n in range(14):
        make_elearning_course(code=f"P{n:02d}", titles={"fr": f"Cours {n:02d}", "nl": f"Cursus {n:02d}",
                                                       "de": f"Kurs {n:02d}"})
    browser.login(anna.email)
    first, second = browser.get("/training/").text, browser.get("/training/?page=2").text
    assert "14 opleidingen" in first and "14 opleidingen" in second
    titles = re.findall(r'<h2><a href="/training/courses/\d+">([^<]+)</a></h2>', first + second)
    assert titles == [f"Cursus {n:02d}" for n in range(14)]  # 12 on the first page, 2 on the second
    beyond = browser.get("/training/?page=5").text
    assert "14 opleidingen" in beyond and "Cursus" not in beyond


def test_catalogue_search_ignores_case_and_accents_and_follows_edits(browser, anna):
    from oscart.training.models import CourseTranslation

    course = make_elearning_course(titles={"nl": "Veilig heffen", "fr": "Soulever en SÉCURITÉ"})
    make_elearning_course(titles={"nl": "Brandpreventie", "de": "Brandschutz für Büros"})
    browser.login(anna.email)
    for query in ("securite", "Sécurité", "SECURITE soulever"):
        page = browser.get(f"/training/?q={query}").text
        assert "Veilig heffen" in page and "Brandpreventie" not in page, query
    page = browser.get("/training/?q=buros").text
    assert "Brandpreventie" in page and "Veilig heffen" not in page
    translation = db.session.scalar(select(CourseTranslation).where(CourseTranslation.course_id == course.id,
                                                                     CourseTranslation.language == "nl"))
    translation.summary = "Over ergonomie op de werkvloer"
    db.session.commit()
    page = browser.get("/training/?q=ergonomie").text
    assert "Veilig heffen" in page and "Brandpreventie" not in page
    assert "Veilig heffen" not in browser.get("/training/?q=niets-dergelijks").text


@pytest.mark.parametrize("query, found", [("50%", True), ("%", True), ("a/b", True), ("5_%", False), ("_", False),
                                           ("100%", False)])
def test_catalogue_search_takes_percent_and_underscore_as_typed(browser, anna, query, found):
    make_elearning_course(titles={"nl": "Heffen met 50% minder kracht (a/b)"})
    make_elearning_course(titles={"nl": "Brandpreventie"})
    browser.login(anna.email)
    page = browser.get("/training/", query_string={"q": query}).text
    assert ("Heffen met 50% minder kracht" in page) is found, query
    assert "Brandpreventie" not in page, query  # neither % nor _ is a wildcard


def test_catalogue_shows_languages_of_each_course(browser, anna):
    make_elearning_course(titles={"nl": "Veilig heffen", "de": "Sicher heben"})
    browser.login(anna.email)
    page = browser.get("/training/").text
    assert 'title="Deutsch" lang="de">DE</abbr>' in page and ">FR</abbr>" not in page


def test_course_page_in_user_language(browser, anna):
    course = make_elearning_course(titles={"nl": "Veilig heffen", "fr": "Soulever"})
    browser.login(anna.email)
    page = browser.get(f"/training/courses/{course.id}").text
    assert "Veilig heffen" in page and "niet beschikbaar in uw taal" not in page


@pytest.mark.parametrize(("titles", "default", "expected"), [
    ({"fr": "Soulever", "de": "Heben"}, "de", "Soulever"),  # company default (fr) before course default
    ({"de": "Heben", "en": "Lifting"}, "en", "Lifting"),  # course default
    ({"de": "Heben"}, "nl", "Heben"),  # anything available
])
def test_course_page_falls_back_and_says_so(browser, anna, titles, default, expected):
    course = make_elearning_course(titles=titles, default_language=default)
    browser.login(anna.email)
    page = browser.get(f"/training/courses/{course.id}").text
    assert f">{expected}</h1>" in page
    assert "niet beschikbaar in uw taal" in page


def test_fallback_page_links_to_available_languages(browser, anna):
    course = make_elearning_course(titles={"fr": "Soulever", "de": "Heben"})
    browser.login(anna.email)
    page = browser.get(f"/training/courses/{course.id}").text
    assert 'href="?lang=de"' in page
    page = browser.get(f"/training/courses/{course.id}?lang=de").text
    assert ">Heben</h1>" in page and "niet beschikbaar" not in page


def test_course_view_is_recorded_and_refreshed_at_most_once_an_hour(browser, anna, count_queries):
    course = make_elearning_course()
    browser.login(anna.email)
    browser.get(f"/training/courses/{course.id}")
    view = db.session.scalar(select(CourseView).where(CourseView.user_id == anna.id))
    assert view.course_id == course.id and view.viewed_at > utcnow() - timedelta(minutes=1)
    recorded = view.viewed_at
    with count_queries() as counter:
        browser.get(f"/training/courses/{course.id}")
    assert not [s for s in counter.statements if not s.lstrip().upper().startswith("SELECT")]  # nothing written
    view.viewed_at = long_ago = recorded - timedelta(hours=2)
    db.session.commit()
    browser.get(f"/training/courses/{course.id}")
    db.session.expire_all()
    views = db.session.scalars(select(CourseView).where(CourseView.user_id == anna.id)).all()
    assert len(views) == 1 and views[0].viewed_at > long_ago + timedelta(hours=1)


def test_enrol_then_lessons_in_order_then_completion(browser, anna):
    course = make_elearning_course(lessons=2)
    first, second = lesson_ids(course)
    received = []
    course_completed.connect(lambda enrolment, **kw: received.append(enrolment.id), weak=False)
    browser.login(anna.email)
    response = browser.submit(f"/training/courses/{course.id}/enrol")
    assert response.headers["Location"] == f"/training/courses/{course.id}/lessons/{first}"
    enrolment = db.session.scalar(select(Enrolment).where(Enrolment.user_id == anna.id))
    response = browser.submit(f"/training/enrolments/{enrolment.id}/lessons/{first}/done")
    assert response.headers["Location"] == f"/training/courses/{course.id}/lessons/{second}"
    db.session.refresh(enrolment)
    assert enrolment.progress_percent == 50 and enrolment.status == "in_progress"
    browser.submit(f"/training/enrolments/{enrolment.id}/lessons/{second}/done")
    db.session.refresh(enrolment)
    assert enrolment.status == "completed" and enrolment.completed_at is not None
    assert enrolment.progress_percent == 100
    assert received == [enrolment.id]
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"training.enrolled", "training.lesson_done", "training.completed"} <= actions


def test_skipping_a_lesson_by_url_is_refused(browser, anna):
    course = make_elearning_course(lessons=3)
    first, _second, third = lesson_ids(course)
    enrolment = make_enrolment(anna, course)
    browser.login(anna.email)
    response = browser.get(f"/training/courses/{course.id}/lessons/{third}")
    assert response.status_code == 302
    assert "Werk eerst de vorige lessen af." in browser.get(response.headers["Location"]).text
    response = browser.submit(f"/training/enrolments/{enrolment.id}/lessons/{third}/done")
    assert response.status_code == 302
    assert db.session.scalar(select(LessonProgress.id)) is None
    assert browser.get(f"/training/courses/{course.id}/lessons/{first}").status_code == 200


def test_lesson_page_requires_enrolment(browser, anna):
    course = make_elearning_course()
    browser.login(anna.email)
    response = browser.get(f"/training/courses/{course.id}/lessons/{lesson_ids(course)[0]}")
    assert response.status_code == 302 and response.headers["Location"] == f"/training/courses/{course.id}"



def test_lesson_page_shows_the_lesson_in_the_trainees_language_or_falls_back_and_says_so(browser, anna):
    course = make_elearning_course(titles={"nl": "Heffen", "fr": "Soulever"}, lessons=2)
    first, second = lesson_ids(course)
    make_enrolment(anna, course)
    browser.login(anna.email)
    page = browser.get(f"/training/courses/{course.id}/lessons/{first}").text
    assert "<p>Tekst 1 nl</p>" in page and "Les 1 van 2" in page and "niet beschikbaar" not in page
    assert 'href="?lang=fr"' in page
    assert "<p>Tekst 1 fr</p>" in browser.get(f"/training/courses/{course.id}/lessons/{first}?lang=fr").text
    db.session.execute(delete(LessonTranslation).where(LessonTranslation.lesson_id == first,
                                                       LessonTranslation.language == "nl"))
    db.session.commit()
    page = browser.get(f"/training/courses/{course.id}/lessons/{first}").text
    assert "<p>Tekst 1 fr</p>" in page and "niet beschikbaar in uw taal" in page
    assert f"/lessons/{first}/done" in page  # the form that marks it done


def test_course_page_resumes_at_first_unfinished_lesson(browser, anna):
    course = make_elearning_course(lessons=3)
    first, second, _third = lesson_ids(course)
    enrolment = make_enrolment(anna, course)
    db.session.add(LessonProgress(enrolment_id=enrolment.id, lesson_id=first))
    db.session.commit()
    browser.login(anna.email)
    page = browser.get(f"/training/courses/{course.id}").text
    assert f'/training/courses/{course.id}/lessons/{second}">Ga verder waar u gebleven was' in page


def test_marking_another_users_enrolment_is_not_found(browser, anna, acme):
    course = make_elearning_course()
    other = make_enrolment(make_user(company=acme), course)
    browser.login(anna.email)
    response = browser.submit(f"/training/enrolments/{other.id}/lessons/{lesson_ids(course)[0]}/done")
    assert response.status_code == 404
    assert db.session.scalar(select(LessonProgress.id)) is None


def test_classroom_course_cannot_be_self_enrolled(browser, anna):
    course = make_elearning_course(format="classroom")
    browser.login(anna.email)
    browser.submit(f"/training/courses/{course.id}/enrol")
    assert db.session.scalar(select(Enrolment.id)) is None


def test_dashboard_shows_progress_overdue_and_completed(browser, anna):
    now = utcnow()
    make_enrolment(anna, make_elearning_course(titles={"nl": "Bezig"}), progress_percent=40,
                   due_at=now + timedelta(days=5))
    make_enrolment(anna, make_elearning_course(titles={"nl": "Te laat"}), due_at=now - timedelta(days=3))
    make_enrolment(anna, make_elearning_course(titles={"nl": "Klaar"}), status="completed", completed_at=now)
    browser.login(anna.email)
    page = browser.get("/dashboard").text
    assert "Bezig" in page and 'value="40"' in page
    assert "is-overdue" in page and "Te laat sinds" in page
    completed = page.split('id="completed"')[1]
    assert "Klaar" in completed and "Bezig" not in completed


@pytest.mark.parametrize("days, status, overdue", [(-3, "in_progress", True), (5, "in_progress", False),
                                                    (-3, "completed", False)])
def test_course_page_marks_a_passed_due_date_until_the_course_is_completed(browser, anna, days, status, overdue):
    course = make_elearning_course(titles={"nl": "Veilig heffen"})
    make_enrolment(anna, course, status=status, due_at=utcnow() + timedelta(days=days),
                   completed_at=utcnow() if status == "completed" else None)
    browser.login(anna.email)
    page = browser.get(f"/training/courses/{course.id}").text
    assert "Deadline" in page
    assert ("Te laat sinds" in page) is overdue


def test_dashboard_lists_each_course_once_in_due_order_titled_in_the_trainees_language(browser, anna):
    now = utcnow()
    translated = {"nl": "Te laat", "fr": "En retard", "de": "Verspätet", "en": "Late"}
    make_enrolment(anna, make_elearning_course(titles={"fr": "Seulement en français"}, default_language="fr"))
    make_enrolment(anna, make_elearning_course(titles={"en": "Soon", "nl": "Binnenkort"}),
                   due_at=now + timedelta(days=2))
    make_enrolment(anna, make_elearning_course(titles=translated), due_at=now - timedelta(days=3))
    browser.login(anna.email)
    page = browser.get("/dashboard").text
    in_progress = page.split('id="in-progress"')[1].split('id="completed"')[0]
    titles = re.findall(r'class="course-title" href="/training/courses/\d+">([^<]+)</a>', in_progress)
    assert titles == ["Te laat", "Binnenkort", "Seulement en français"]  # overdue, due soon, no due date
    # The courses with a due date also head the page, as what is required, in the same order.
    required = page.split('id="required"')[1].split('id="in-progress"')[0]
    assert re.findall(r'class="course-title" href="/training/courses/\d+">([^<]+)</a>', required) == [
        "Te laat", "Binnenkort"]


def test_trainee_lands_on_the_training_dashboard(browser, anna):
    response = browser.login(anna.email)
    assert response.headers["Location"] == "/dashboard"
    assert 'id="completed"' in browser.get("/dashboard").text


def test_archived_course_stays_reachable_for_its_trainees_only(browser, anna, acme):
    course = make_elearning_course(titles={"nl": "Oude opleiding"}, status="archived")
    make_enrolment(anna, course, status="completed", completed_at=utcnow())
    browser.login(anna.email)
    assert browser.get(f"/training/courses/{course.id}").status_code == 200
    assert "Oude opleiding" not in browser.get("/training/").text
    browser.logout()
    other = make_user(company=acme)
    browser.login(other.email)
    assert browser.get(f"/training/courses/{course.id}").status_code == 404
    assert browser.submit(f"/training/courses/{course.id}/enrol").status_code == 404
