"""An admin writes a multiple-choice question in Dutch and French and publishes the course; a French-speaking
trainee takes the knowledge check and sees which answer was wrong. Screenshots on a desktop and a 360 px phone."""

import re

from playwright.sync_api import expect
from sqlalchemy import select

from oscart.core.extensions import db
from oscart.core.security import PLATFORM_ADMIN
from oscart.training.models import Course, LessonProgress
from oscart.training.quiz_models import Question
from tests.factories import lesson_ids, make_company, make_elearning_course, make_enrolment, make_user

PASSWORD = "correct horse battery"


def _login(page, email):
    page.goto("/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.locator("form button[type=submit]").first.click()


def _write_question(page, course):
    page.goto(f"/training/manage/{course.id}/quiz")
    page.get_by_role("link", name="Vraag toevoegen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nieuwe vraag")
    page.get_by_label("Meerkeuze (alle juiste antwoorden moeten gekozen worden)").check()
    page.locator("#text_nl").fill("Welke beschermingsmiddelen draagt u in het magazijn?")
    for number, answer in enumerate(["Veiligheidsschoenen", "Slippers", "Een fluohesje"], start=1):
        page.locator(f"#answer_nl_{number}").fill(answer)
    page.locator("#explanation_nl").fill("Schoenen en hesje beschermen u; slippers niet.")
    page.locator("summary", has_text="Frans").click()
    page.locator("#text_fr").fill("Quels équipements portez-vous dans l'entrepôt ?")
    for number, answer in enumerate(["Chaussures de sécurité", "Tongs", "Un gilet fluo"], start=1):
        page.locator(f"#answer_fr_{number}").fill(answer)
    page.locator("#explanation_fr").fill("Les chaussures et le gilet vous protègent ; les tongs non.")
    page.locator("input[name=correct][value='0']").check()
    page.locator("input[name=correct][value='2']").check()


def test_admin_writes_a_question_in_two_languages_and_a_french_trainee_sees_the_wrong_answer(new_page, screenshot):
    course = make_elearning_course(status="draft", lessons=1, titles={"nl": "Magazijn", "fr": "Entrepôt"},
                                   completion_rule="lessons_quiz")
    admin = make_user(role=PLATFORM_ADMIN, language="nl")
    trainee = make_user(company=make_company(), language="fr")

    for name, viewport in (("desktop", {"width": 1280, "height": 860}), ("phone", {"width": 360, "height": 780})):
        page = new_page(viewport=viewport)
        _login(page, admin.email)
        _write_question(page, course)
        screenshot(page, f"quiz-1-editor-{name}")
        if name == "phone":
            assert page.evaluate("document.documentElement.scrollWidth") <= 360
            break
        page.get_by_role("button", name="Vraag opslaan").click()
        expect(page.get_by_text("De vraag is opgeslagen.")).to_be_visible()
        page.get_by_label("Na een poging de juiste antwoorden tonen").check()
        page.get_by_role("button", name="Instellingen bewaren").click()
        screenshot(page, f"quiz-2-bank-{name}")
        page.get_by_role("link", name="Lessen en talen").click()
        page.get_by_role("button", name="Publiceren").click()
        expect(page.get_by_text("De opleiding is gepubliceerd.")).to_be_visible()
    db.session.expire_all()
    assert db.session.get(Course, course.id).status == "published"
    assert db.session.scalar(select(Question.kind)) == "multiple"

    enrolment = make_enrolment(trainee, course)
    db.session.add_all([LessonProgress(enrolment_id=enrolment.id, lesson_id=i) for i in lesson_ids(course)])
    db.session.commit()
    for name, viewport in (("desktop", {"width": 1280, "height": 860}), ("phone", {"width": 360, "height": 780})):
        page = new_page(viewport=viewport, locale="fr-BE")
        _login(page, trainee.email)
        page.goto(f"/training/courses/{course.id}")
        if name == "desktop":
            page.get_by_role("button", name="Passer le test de connaissances").click()
            expect(page.get_by_role("heading", level=1)).to_have_text("Test de connaissances")
            page.get_by_label("Chaussures de sécurité").check()
            page.get_by_label("Tongs").check()
            screenshot(page, f"quiz-3-check-{name}")
            page.get_by_role("button", name="Envoyer les réponses").click()
        else:
            page.get_by_role("link", name=re.compile("Voir quelles réponses")).click()
        expect(page.get_by_text("Vous avez obtenu 0 %")).to_be_visible()
        wrong = page.locator("li.is-wrong")
        expect(wrong).to_contain_text("Quels équipements portez-vous dans l'entrepôt ?")
        expect(wrong.locator("li", has_text="Tongs")).to_contain_text("Votre réponse")
        expect(wrong.locator("li", has_text="Un gilet fluo")).to_contain_text("Bonne réponse")
        expect(wrong).to_contain_text("les tongs non")
        screenshot(page, f"quiz-4-result-{name}")
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
