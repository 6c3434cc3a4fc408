"""Taking the knowledge check from a question bank: drawn and shuffled once per attempt, scored per question,
results that say what was wrong, a waiting time; and the publishing check per language."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from oscart.audit.models import AuditEvent
from oscart.core.database import utcnow
from oscart.core.extensions import db
from oscart.core.security import PLATFORM_ADMIN
from oscart.training import quiz_bank, quizzes
from oscart.training.languages import LanguagePreference
from oscart.training.models import Course, LessonProgress
from oscart.training.quiz_models import QuizAttempt
from tests.factories import lesson_ids, make_company, make_elearning_course, make_enrolment, make_user

BANK = {"nl": [("Vraag een?", ["A1", "B1", "C1", "D1"], 0),
               ("Welke twee?", ["Goed 1", "Fout", "Goed 2"], {0, 2}, "multiple"),
               ("Klopt dit?", ["", ""], 1, "true_false"),
               ("Vraag vier?", ["A4", "B4"], 1),
               ("Vraag vijf?", ["A5", "B5"], 0)]}


def _course(**settings):
    return make_elearning_course(lessons=1, completion_rule="lessons_quiz",
                                 quiz={**BANK, "pass_percent": 100, "max_attempts": 3, **settings})


def _ready(course, user=None):
    user = user or make_user(company=make_company(), language="nl")
    enrolment = make_enrolment(user, course)
    for lesson_id in lesson_ids(course):
        db.session.add(LessonProgress(enrolment_id=enrolment.id, lesson_id=lesson_id))
    db.session.commit()
    return user, enrolment


def _start(browser, enrolment):
    return browser.submit(f"/training/enrolments/{enrolment.id}/quiz").headers["Location"]


def _attempt():
    attempt = db.session.scalar(select(QuizAttempt).order_by(QuizAttempt.id.desc()))
    db.session.refresh(attempt)
    return attempt


def _answers(attempt, wrong=()):
    """Every question answered right, except those whose text is in ``wrong`` (answered with a wrong answer)."""
    form = {}
    for question in attempt.questions:
        right = [c["id"] for c in question["choices"] if c["correct"]]
        other = [c["id"] for c in question["choices"] if not c["correct"]]
        form[f"q{question['id']}"] = [str(i) for i in (other[:1] if question["text"] in wrong else right)]
    return form


def test_an_attempt_draws_its_questions_once_and_keeps_their_order(browser):
    course = _course(draw_count=3)
    user, enrolment = _ready(course)
    browser.login(user.email)
    url = _start(browser, enrolment)
    first, again = browser.get(url).text, browser.get(url).text
    attempt = _attempt()
    assert len(attempt.questions) == 3
    assert first == again.replace(_csrf(again), _csrf(first))
    positions = [first.index(f'value="{c["id"]}"') for q in attempt.questions for c in q["choices"]]
    assert positions == sorted(positions)  # the page shows the answers in the attempt's shuffled order
    assert _start(browser, enrolment) == url  # starting again returns the open attempt


def _csrf(html):
    marker = 'name="csrf_token" value="'
    start = html.index(marker) + len(marker)
    return html[start:html.index('"', start)]


def test_answers_are_shuffled_per_attempt_but_true_or_false_keeps_its_order(app):
    course = _course()
    preference = LanguagePreference(make_user(language="nl"))
    questions = quizzes.bank_questions(db.session.scalar(select(QuizAttempt.quiz_id)) or _quiz_id(course))
    orders = {tuple(c["text"] for c in quizzes.draw_questions(questions, None, "nl", preference)[0]["choices"])
              for _ in range(30)}
    assert len(orders) > 1
    true_false = [quizzes.draw_questions(questions, None, "nl", preference)[2] for _ in range(5)]
    assert {tuple(c["text"] for c in q["choices"]) for q in true_false} == {("Waar", "Niet waar")}


def _quiz_id(course):
    return quiz_bank.get_quiz(course).id


def test_multiple_choice_counts_only_with_every_correct_answer(browser):
    course = _course()
    user, enrolment = _ready(course)
    browser.login(user.email)
    url = _start(browser, enrolment)
    attempt = _attempt()
    form = _answers(attempt)
    multiple = next(q for q in attempt.questions if q["kind"] == "multiple")
    form[f"q{multiple['id']}"] = form[f"q{multiple['id']}"][:1]  # one of the two right answers
    response = browser.submit(url, form, form_page=url)
    assert response.headers["Location"] == url
    assert _attempt().score_percent == 80 and not _attempt().is_passed


def test_the_result_says_which_questions_were_wrong_with_explanations_but_not_the_answers(browser):
    course = _course()
    user, enrolment = _ready(course)
    browser.login(user.email)
    url = _start(browser, enrolment)
    browser.submit(url, _answers(_attempt(), wrong={"Vraag vier?"}), form_page=url)
    page = browser.get(url).text
    assert "U behaalde 80%" in page and "4 van de 5 vragen goed beantwoord." in page
    assert page.count("is-wrong") == 1 and re.search(r"is-wrong.{0,200}Vraag vier\?", page, re.S)
    assert "Uitleg 4 nl" in page
    assert "Juist antwoord" not in page and "Goed antwoord" not in page


def test_the_result_shows_the_right_answers_when_the_course_allows(browser):
    course = _course(is_answers_shown=True)
    user, enrolment = _ready(course)
    browser.login(user.email)
    url = _start(browser, enrolment)
    browser.submit(url, _answers(_attempt(), wrong={"Vraag vier?"}), form_page=url)
    page = browser.get(url).text
    section = page[page.index("Vraag vier?"):]
    section = section[:section.index("</ul>")]
    assert "B4" in section and "badge-ok" in section.split("B4")[1]  # B4 is marked as the correct answer


def test_an_old_attempt_stays_readable_after_its_question_is_edited_and_removed(browser):
    course = _course()
    user, enrolment = _ready(course)
    browser.login(user.email)
    url = _start(browser, enrolment)
    browser.submit(url, _answers(_attempt(), wrong={"Vraag een?"}), form_page=url)
    admin = make_user(role=PLATFORM_ADMIN)
    question_id = next(q["id"] for q in _attempt().questions if q["text"] == "Vraag een?")
    quiz_bank.save_question(course, question_id, actor=admin, kind="single", version=1, correct={1},
                            texts={"nl": {"text": "Nieuwe tekst?", "answers": ["X", "Y"]}})
    other = next(q["id"] for q in _attempt().questions if q["text"] == "Vraag vijf?")
    quiz_bank.delete_question(course, other, actor=admin)
    db.session.commit()
    page = browser.get(url).text
    assert "Vraag een?" in page and "A1" in page and "Vraag vijf?" in page and "Nieuwe tekst?" not in page


def test_a_new_attempt_waits_for_the_waiting_time(browser):
    course = _course(wait_minutes=60)
    user, enrolment = _ready(course)
    browser.login(user.email)
    url = _start(browser, enrolment)
    browser.submit(url, _answers(_attempt(), wrong={"Vraag een?"}), form_page=url)
    response = browser.submit(f"/training/enrolments/{enrolment.id}/quiz")
    assert response.headers["Location"] == f"/training/courses/{course.id}"
    assert "U kunt de kennistoets opnieuw maken vanaf" in browser.get(response.headers["Location"]).text
    assert db.session.scalar(select(QuizAttempt.id).where(QuizAttempt.submitted_at.is_(None))) is None
    db.session.execute(update(QuizAttempt).values(submitted_at=utcnow() - timedelta(minutes=61)))
    db.session.commit()
    assert _start(browser, enrolment) != url


def test_a_question_missing_in_the_learners_language_is_shown_in_another_with_a_notice(browser):
    course = make_elearning_course(lessons=1, quiz={"nl": [("Vraag een?", ["Ja", "Nee"], 0),
                                                           ("Vraag twee?", ["Ja", "Nee"], 0)],
                                                    "fr": [("Question un ?", ["Oui", "Non"], 0)]})
    user, enrolment = _ready(course, make_user(company=make_company(), language="fr"))
    browser.login(user.email)
    page = browser.get(_start(browser, enrolment)).text
    assert "Question un ?" in page and "Vraag twee?" in page and 'lang="nl"' in page
    assert "1 question n'existe pas dans cette langue" in page


# --- Publishing ------------------------------------------------------------------------------------------

@pytest.fixture
def draft():
    return make_elearning_course(status="draft", titles={"nl": "Magazijn", "fr": "Entrepôt"},
                                 completion_rule="lessons_quiz",
                                 quiz={"nl": [("Vraag een?", ["Ja", "Nee"], 0), ("Vraag twee?", ["Ja", "Nee"], 0)],
                                       "fr": [("Question un ?", ["Oui", "Non"], 0)]})


def test_a_course_missing_questions_in_an_offered_language_is_not_published_silently(browser, draft):
    browser.login(make_user(role=PLATFORM_ADMIN).email)
    editor = f"/training/manage/{draft.id}/editor"
    page = browser.get(editor).text
    assert "Voor het publiceren" in page and "Frans" in page and "1 vraag ontbreekt" in page
    response = browser.submit(f"/training/manage/{draft.id}/status", {"action": "publish"}, form_page=editor)
    assert "In sommige talen ontbreken lessen, lesbestanden of vragen" in browser.get(response.headers["Location"]).text
    assert db.session.get(Course, draft.id).status == "draft"


def test_the_author_may_confirm_the_fallback_explicitly(browser, draft):
    browser.login(make_user(role=PLATFORM_ADMIN).email)
    editor = f"/training/manage/{draft.id}/editor"
    browser.submit(f"/training/manage/{draft.id}/status", {"action": "publish", "confirm_fallback": "1"},
                   form_page=editor)
    db.session.expire_all()
    assert db.session.get(Course, draft.id).status == "published"
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "training.published"))
    assert event.details["fallback_languages"] == ["fr"]


def test_a_complete_course_publishes_without_confirmation(browser):
    course = make_elearning_course(status="draft", titles={"nl": "Magazijn", "fr": "Entrepôt"},
                                   quiz={"nl": [("Vraag?", ["Ja", "Nee"], 0)],
                                         "fr": [("Question ?", ["Oui", "Non"], 0)]})
    browser.login(make_user(role=PLATFORM_ADMIN).email)
    editor = f"/training/manage/{course.id}/editor"
    assert "Publiceren, met de ontbrekende delen" not in browser.get(editor).text
    browser.submit(f"/training/manage/{course.id}/status", {"action": "publish"}, form_page=editor)
    db.session.expire_all()
    assert db.session.get(Course, course.id).status == "published"
