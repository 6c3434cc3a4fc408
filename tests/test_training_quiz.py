"""The knowledge check: answers checked on the server, never sent before submission, limits enforced."""

import pytest
from sqlalchemy import func, select

from oscart.audit.models import AuditEvent
from oscart.core.database import utcnow
from oscart.core.extensions import db
from oscart.training.models import LessonProgress
from oscart.training.quiz_models import QuizAttempt
from tests.factories import lesson_ids, make_attempt, make_company, make_elearning_course, make_enrolment, make_user

QUIZ = {"nl": [("Wat draag je?", ["Veiligheidsschoenen", "Sandalen"], 0),
               ("Welk nummer?", ["101", "112"], 1)],
        "fr": [("Que portez-vous ?", ["Chaussures de sécurité", "Sandales"], 0)],
        "pass_percent": 100, "max_attempts": 2}


@pytest.fixture
def setup():
    company = make_company()
    anna = make_user(company=company, language="nl")
    course = make_elearning_course(lessons=2, quiz=QUIZ, completion_rule="lessons_quiz")
    enrolment = make_enrolment(anna, course)
    return anna, course, enrolment


def _finish_lessons(enrolment, course):
    for lesson_id in lesson_ids(course):
        db.session.add(LessonProgress(enrolment_id=enrolment.id, lesson_id=lesson_id))
    db.session.commit()


def _answers(correct=True):
    """The right (or a wrong) answer to each question of the latest attempt, as its form sends them."""
    attempt = db.session.scalar(select(QuizAttempt).order_by(QuizAttempt.id.desc()))
    db.session.refresh(attempt)
    return {f"q{question['id']}": str(next(c["id"] for c in question["choices"] if c["correct"] == correct))
            for question in attempt.questions}


def _start(browser, enrolment):
    response = browser.submit(f"/training/enrolments/{enrolment.id}/quiz")
    return response


def test_quiz_is_locked_until_every_lesson_is_done(browser, setup):
    anna, course, enrolment = setup
    browser.login(anna.email)
    response = _start(browser, enrolment)
    assert response.headers["Location"] == f"/training/courses/{course.id}"
    assert "Werk alle lessen af voor de kennistoets." in browser.get(response.headers["Location"]).text
    assert db.session.scalar(select(QuizAttempt.id)) is None


def test_quiz_page_never_contains_the_correct_answers(browser, setup):
    anna, course, enrolment = setup
    _finish_lessons(enrolment, course)
    browser.login(anna.email)
    page = browser.get(_start(browser, enrolment).headers["Location"]).text
    assert "Wat draag je?" in page and "Que portez-vous" not in page
    assert "is_correct" not in page and "Juist" not in page and "correct" not in page.lower().replace(
        "correct answers", "")


def test_passing_the_quiz_completes_the_course(browser, setup):
    anna, course, enrolment = setup
    _finish_lessons(enrolment, course)
    browser.login(anna.email)
    attempt_url = _start(browser, enrolment).headers["Location"]
    response = browser.submit(attempt_url, _answers(), form_page=attempt_url)
    assert response.status_code == 302
    db.session.refresh(enrolment)
    assert enrolment.status == "completed" and enrolment.completed_at is not None
    attempt = db.session.scalar(select(QuizAttempt))
    assert attempt.score_percent == 100 and attempt.is_passed
    assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "training.quiz_attempt"))


def test_failing_the_quiz_leaves_the_course_open(browser, setup):
    anna, course, enrolment = setup
    _finish_lessons(enrolment, course)
    browser.login(anna.email)
    attempt_url = _start(browser, enrolment).headers["Location"]
    browser.submit(attempt_url, _answers(correct=False), form_page=attempt_url)
    db.session.refresh(enrolment)
    assert enrolment.status == "in_progress"
    assert db.session.scalar(select(QuizAttempt.score_percent)) == 0


def test_resubmitting_an_old_form_changes_nothing(browser, setup):
    anna, course, enrolment = setup
    _finish_lessons(enrolment, course)
    browser.login(anna.email)
    attempt_url = _start(browser, enrolment).headers["Location"]
    browser.submit(attempt_url, _answers(correct=False), form_page=attempt_url)
    response = browser.submit(attempt_url, _answers(correct=True), form_page=attempt_url)
    assert response.headers["Location"] == attempt_url
    assert "Deze poging is al ingediend." in browser.get(attempt_url).text
    db.session.refresh(enrolment)
    assert enrolment.status == "in_progress"
    assert db.session.scalar(select(QuizAttempt.score_percent)) == 0


def test_answering_after_the_attempts_limit_is_refused(browser, setup):
    anna, course, enrolment = setup
    _finish_lessons(enrolment, course)
    for _ in range(2):
        make_attempt(enrolment, score_percent=0, submitted_at=utcnow())
    sneaky = make_attempt(enrolment)
    browser.login(anna.email)
    response = browser.submit(f"/training/attempts/{sneaky.id}", _answers(), form_page="/training/")
    assert response.status_code == 302
    db.session.refresh(sneaky)
    db.session.refresh(enrolment)
    assert sneaky.submitted_at is None and enrolment.status == "in_progress"
    response = _start(browser, enrolment)
    assert "alle 2 pogingen" in browser.get(response.headers["Location"]).text


def test_missing_answer_is_refused(browser, setup):
    anna, course, enrolment = setup
    _finish_lessons(enrolment, course)
    browser.login(anna.email)
    attempt_url = _start(browser, enrolment).headers["Location"]
    partial = dict(list(_answers().items())[:1])
    browser.submit(attempt_url, partial, form_page=attempt_url)
    assert db.session.scalar(select(QuizAttempt.submitted_at)) is None


def test_a_choice_of_another_question_does_not_count(browser, setup):
    anna, course, enrolment = setup
    _finish_lessons(enrolment, course)
    browser.login(anna.email)
    attempt_url = _start(browser, enrolment).headers["Location"]
    answers = _answers()
    keys = list(answers)
    answers[keys[0]] = answers[keys[1]]  # the right choice id, but of the other question
    browser.submit(attempt_url, answers, form_page=attempt_url)
    assert db.session.scalar(select(QuizAttempt.submitted_at)) is None


def test_another_users_enrolment_or_attempt_is_not_found(browser, setup):
    anna, course, enrolment = setup
    _finish_lessons(enrolment, course)
    browser.login(anna.email)
    attempt_url = _start(browser, enrolment).headers["Location"]
    browser.logout()
    intruder = make_user(company=make_company())
    browser.login(intruder.email)
    assert browser.submit(f"/training/enrolments/{enrolment.id}/quiz").status_code == 404
    assert browser.get(attempt_url).status_code == 404
    assert browser.submit(attempt_url, _answers(), form_page="/training/").status_code == 404
    assert db.session.scalar(select(func.count(QuizAttempt.id))) == 1


def test_quiz_follows_the_language_fallback(browser, setup):
    _anna, course, _enrolment = setup
    bruno = make_user(company=make_company(default_language="fr"), language="de")
    enrolment = make_enrolment(bruno, course)
    _finish_lessons(enrolment, course)
    browser.login(bruno.email)
    page = browser.get(_start(browser, enrolment).headers["Location"]).text
    assert "Que portez-vous ?" in page
