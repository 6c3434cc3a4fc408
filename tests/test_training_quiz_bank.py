"""The question bank: questions written once in several languages, edited safely, refused whole when wrong."""

import pytest
from sqlalchemy import func, select

from oscart.audit.models import AuditEvent
from oscart.core.extensions import db
from oscart.core.security import COMPANY_ADMIN, PLATFORM_ADMIN
from oscart.training import quiz_bank
from oscart.training.quiz_models import Choice, ChoiceTranslation, Question, QuestionTranslation, Quiz
from tests.factories import make_company, make_elearning_course, make_user

EMPTY = {f"{name}_{code}": "" for name in ("text", "explanation") for code in ("nl", "fr", "de", "en")} | {
    f"answer_{code}_{n}": "" for code in ("nl", "fr", "de", "en") for n in range(1, 7)}


def question_form(kind="multiple", correct=("0", "2"), version="", **texts):
    """The editor's form: ``texts`` like text_nl="…", answer_nl_1="…"."""
    return {**EMPTY, "kind": kind, "version": version, "correct": list(correct), **texts}


TWO_LANGUAGES = {"text_nl": "Welke zijn gevaarlijk?", "answer_nl_1": "Vallende lading", "answer_nl_2": "Daglicht",
                 "answer_nl_3": "Heftrucks", "explanation_nl": "Lading en heftrucks.",
                 "text_fr": "Lesquels sont dangereux ?", "answer_fr_1": "Charges qui tombent",
                 "answer_fr_2": "Lumière du jour", "answer_fr_3": "Chariots"}


@pytest.fixture
def course():
    return make_elearning_course(status="draft", titles={"nl": "Magazijn", "fr": "Entrepôt"})


def _counts():
    return [db.session.scalar(select(func.count(model.id)))
            for model in (Question, QuestionTranslation, Choice, ChoiceTranslation)]


def test_an_admin_writes_a_multiple_choice_question_in_two_languages(browser, course):
    browser.login(make_user(role=PLATFORM_ADMIN).email)
    url = f"/training/manage/{course.id}/quiz/questions/new"
    response = browser.submit(url, question_form(**TWO_LANGUAGES), form_page=url)
    assert response.headers["Location"] == f"/training/manage/{course.id}/quiz"
    question = db.session.scalar(select(Question))
    assert (question.kind, question.version) == ("multiple", 1)
    texts = dict(db.session.execute(select(QuestionTranslation.language, QuestionTranslation.text)).all())
    assert texts == {"nl": "Welke zijn gevaarlijk?", "fr": "Lesquels sont dangereux ?"}
    correct = db.session.scalars(select(ChoiceTranslation.text).join(Choice).where(
        Choice.is_correct.is_(True), ChoiceTranslation.language == "fr").order_by(Choice.position)).all()
    assert correct == ["Charges qui tombent", "Chariots"]
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "training.question_created"))
    assert event.details["languages"] == ["nl", "fr"]
    page = browser.get(f"/training/manage/{course.id}/quiz").text
    assert "Welke zijn gevaarlijk?" in page and "Meerkeuze" in page


@pytest.mark.parametrize(("changes", "message"), [
    ({"answer_fr_3": ""}, "Antwoord 3 heeft geen tekst in het Frans."),
    ({"text_fr": ""}, "Schrijf de vraag ook in het Frans"),
    ({"kind": "single"}, "Duid precies één antwoord aan als juist."),
    ({"correct": []}, "Duid minstens één antwoord aan als juist."),
    ({"correct": ["0", "4"]}, "Duid alleen antwoorden met een tekst aan als juist."),
    ({"text_nl": "", "text_fr": "", "answer_nl_1": "", "answer_nl_2": "", "answer_nl_3": "", "explanation_nl": "",
      "answer_fr_1": "", "answer_fr_2": "", "answer_fr_3": ""}, "Schrijf de vraag in minstens één taal."),
    ({"answer_nl_2": "x" * 501}, "De vraag is niet opgeslagen: verbeter de aangeduide velden hieronder."),
    ({"kind": "essay"}, "Ongeldige keuze."),
])
def test_bad_input_is_refused_whole_with_a_translated_message(browser, course, changes, message):
    browser.login(make_user(role=PLATFORM_ADMIN).email)
    url = f"/training/manage/{course.id}/quiz/questions/new"
    response = browser.submit(url, {**question_form(**TWO_LANGUAGES), **changes}, form_page=url)
    assert response.status_code == 400
    assert message in response.text
    assert _counts() == [0, 0, 0, 0]


def test_a_true_or_false_statement_needs_its_truth(browser, course):
    browser.login(make_user(role=PLATFORM_ADMIN).email)
    url = f"/training/manage/{course.id}/quiz/questions/new"
    form = question_form(kind="true_false", correct=(), text_nl="Nooduitgangen blijven vrij.")
    assert "Geef aan of de stelling juist of fout is." in browser.submit(url, form, form_page=url).text
    assert browser.submit(url, {**form, "truth": "0"}, form_page=url).status_code == 302
    question = db.session.scalar(select(Question))
    assert question.kind == "true_false"
    assert db.session.scalars(select(Choice.is_correct).order_by(Choice.position)).all() == [True, False]


def _saved_question(course):
    admin = make_user(role=PLATFORM_ADMIN)
    texts = {"nl": {"text": "Welk nummer?", "answers": ["112", "101"], "explanation": "Het noodnummer."}}
    question = quiz_bank.save_question(course, actor=admin, kind="single", texts=texts, correct={0})
    db.session.commit()
    return question


def test_a_save_over_a_newer_version_is_a_conflict_and_saves_nothing(browser, course):
    question = _saved_question(course)
    browser.login(make_user(role=PLATFORM_ADMIN).email)
    url = f"/training/manage/{course.id}/quiz/questions/{question.id}"
    first = {**question_form(kind="single", correct=["0"], version="1", text_nl="Welk noodnummer?",
                             answer_nl_1="112", answer_nl_2="101")}
    assert browser.submit(url, first, form_page=url).status_code == 302
    stale = {**first, "text_nl": "Mijn versie", "version": "1"}
    response = browser.submit(url, stale, form_page=url)
    assert response.status_code == 409
    assert "Iemand anders heeft deze vraag opgeslagen nadat u ze opende." in response.text
    assert "Welk noodnummer?" in response.text  # the question as it is now
    assert db.session.scalar(select(QuestionTranslation.text)) == "Welk noodnummer?"
    assert db.session.scalar(select(Question.version)) == 2


def test_a_company_admin_edits_only_the_own_companys_questions(browser):
    acme, globex = make_company(), make_company()
    own = make_elearning_course(owner=acme, quiz={"nl": [("Vraag?", ["Ja", "Nee"], 0)]})
    foreign = make_elearning_course(owner=globex, quiz={"nl": [("Vraag?", ["Ja", "Nee"], 0)]})
    browser.login(make_user(company=acme, role=COMPANY_ADMIN).email)
    own_question, foreign_question = (db.session.scalar(select(Question.id).join(Quiz).where(Quiz.course_id == c.id))
                                      for c in (own, foreign))
    assert browser.get(f"/training/manage/{own.id}/quiz/questions/{own_question}").status_code == 200
    assert browser.get(f"/training/manage/{foreign.id}/quiz/questions/{foreign_question}").status_code == 404
    # Another course's question under the own course's address is not found either.
    assert browser.get(f"/training/manage/{own.id}/quiz/questions/{foreign_question}").status_code == 404


def test_settings_are_saved_with_an_audit_event(browser, course):
    browser.login(make_user(role=PLATFORM_ADMIN).email)
    url = f"/training/manage/{course.id}/quiz"
    form = {"settings-pass_percent": "80", "settings-max_attempts": "2", "settings-draw_count": "5",
            "settings-wait_minutes": "60", "settings-is_answers_shown": "y", "settings-submit": "1"}
    assert browser.submit(url, form, form_page=url).status_code == 302
    quiz = quiz_bank.get_quiz(course)
    assert (quiz.pass_percent, quiz.max_attempts, quiz.draw_count, quiz.wait_minutes, quiz.is_answers_shown) == (
        80, 2, 5, 60, True)
    assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "training.quiz_settings_saved"))
    response = browser.submit(url, {**form, "settings-wait_minutes": "-1"}, form_page=url)
    assert "Nummer moet tussen 0 en 10080 liggen." in response.text
    assert quiz_bank.get_quiz(course).wait_minutes == 60


def test_removing_a_question_is_audited(browser, course):
    question = _saved_question(course)
    browser.login(make_user(role=PLATFORM_ADMIN).email)
    response = browser.submit(f"/training/manage/{course.id}/quiz/questions/{question.id}/delete",
                              form_page=f"/training/manage/{course.id}/quiz")
    assert response.status_code == 302
    assert _counts() == [0, 0, 0, 0]
    assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "training.question_deleted"))
