"""Erasure: the person disappears from every table in one transaction; training records stay anonymous."""

import pytest
from sqlalchemy import JSON, LargeBinary, String, Text, func, select, update

from oscart.accounts.models import User
from oscart.certificates.models import Certificate
from oscart.classroom.models import Attendance, Registration, SessionPart
from oscart.companies.models import Company
from oscart.core.database import utcnow
from oscart.core.extensions import db
from oscart.core.security import COMPANY_ADMIN, PLATFORM_ADMIN, TRAINER
from oscart.privacy import policy
from oscart.privacy.campaigns import save_campaign, send_campaign
from oscart.privacy.erasure import erase_user
from oscart.privacy.models import PrivacyRequest
from oscart.training.models import CompanyNews, CourseView, Enrolment
from oscart.training.quiz_models import Quiz, QuizAttempt
from tests.factories import (
    PASSWORD,
    give_consent,
    make_certificate,
    make_company,
    make_privacy_course,
    make_registration,
    make_training_session,
    make_user,
    past_parts,
)
from tests.helpers import Browser

NAME, SURNAME, EMAIL, IP = "Zebulon", "Quixotez", "zebulon.quixotez@example.com", "203.0.113.77"


def _occurrences(needles):
    """(table, column, value) of every text, JSON or binary value (PDFs) that contains one of ``needles``."""
    found = []
    with db.engine.connect() as conn:
        for table in db.metadata.sorted_tables:
            columns = [c for c in table.columns if isinstance(c.type, String | Text | JSON | LargeBinary)
                       or getattr(c.type, "impl", None).__class__ in (String, Text)]
            if not columns:
                continue
            for row in conn.execute(select(*columns)):
                for column, value in zip(columns, row, strict=True):
                    if isinstance(value, bytes | memoryview):
                        value = bytes(value).decode("latin-1")
                    text = str(value).casefold() if value is not None else ""
                    found += [(table.name, column.name, value) for n in needles if n.casefold() in text]
    return found


@pytest.fixture
def person(app):
    company = make_company()
    user = make_user(company=company, first_name=NAME, last_name=SURNAME, email=EMAIL, language="fr")
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = IP
    browser = Browser(client)
    browser.login(EMAIL, password="not the password")  # a failed login, with the IP
    browser.login("zebulon.quixotez@other.example")  # an unknown e-mail address is audited too
    browser.login(EMAIL, remember=True)
    browser.submit(f"/privacy/me/consents/{policy.NEWSLETTER}", {"granted": "1"})
    browser.submit("/account/", {"first_name": NAME, "last_name": SURNAME + "x", "language": "fr"},
                   form_page="/account/")
    browser.submit("/account/", {"first_name": NAME, "last_name": SURNAME, "language": "fr"}, form_page="/account/")
    browser.submit("/privacy/me/requests/new", {"kind": "erase", "motivation": f"I am {NAME} {SURNAME}, erase me."},
                   form_page="/privacy/me/requests/new")
    course = make_privacy_course()
    enrolment = Enrolment(user_id=user.id, course_id=course.id, progress_percent=40)
    quiz = Quiz(course_id=course.id)
    db.session.add_all([enrolment, quiz, CourseView(user_id=user.id, course_id=course.id)])
    db.session.flush()
    db.session.add(QuizAttempt(enrolment_id=enrolment.id, quiz_id=quiz.id, language="fr", score_percent=80,
                               is_passed=True, answers={"1": 2}, submitted_at=utcnow()))
    db.session.commit()
    _attend_a_session(user, company)
    make_certificate(user, titles={"fr": "Premiers secours"}, validity_months=12)
    admin = make_user(role=PLATFORM_ADMIN)
    send_campaign(save_campaign(None, actor=admin, kind="newsletter",
                                texts={"fr": {"subject": "Nouvelles", "body": "Bonjour"}}), actor=admin)
    db.session.commit()
    return user


def _attend_a_session(user, company):
    """A past classroom session: the person attended, with a note naming them, and is named in a colleague's."""
    trainer = make_user(role=TRAINER, first_name="Thomas", last_name="Trainer")
    session = make_training_session(trainers=[trainer], parts=past_parts())
    colleague = make_user(company=company, first_name="Carla", last_name="Colleague")
    part = db.session.scalar(select(SessionPart).where(SessionPart.session_id == session.id))
    for trainee, note in ((user, f"{NAME} {SURNAME} left for a call"), (colleague, f"Sat next to {NAME}")):
        make_registration(session, trainee)
        db.session.add(Attendance(part_id=part.id, session_id=session.id, part_starts_at=part.starts_at,
                                  user_id=trainee.id, status="late", minutes=200, note=note,
                                  marked_by_id=trainer.id))
    db.session.commit()
    return session


def _grant_erasure(browser, legal_hold=False):
    admin = db.session.scalar(select(User).where(User.role == PLATFORM_ADMIN))
    browser.login(admin.email)
    request_id = db.session.scalar(select(PrivacyRequest.id))
    data = {"reason": "Granted as requested.", "grant": "1"}
    if legal_hold:
        data["legal_hold"] = "y"
    url = f"/admin/privacy/requests/{request_id}"
    return browser.submit(url, data, form_page=url)


def test_the_person_is_found_before_erasure(person):
    tables = {table for table, _column, _value in _occurrences([NAME, EMAIL, IP])}
    assert {"user", "audit_event", "outbox_message", "consent", "user_session", "privacy_request", "attendance",
            "certificate"} <= tables


def test_erasure_leaves_no_name_email_or_ip_in_any_table(browser, person, outbox):
    assert _grant_erasure(browser).status_code == 302
    assert _occurrences([NAME, SURNAME, EMAIL, IP, "zebulon.quixotez"]) == []
    assert outbox[-1]["To"] == EMAIL  # the confirmation still reached the person
    enrolment = db.session.scalar(select(Enrolment).order_by(Enrolment.id).limit(1))  # the fixture's first one
    assert enrolment.user_id == person.id and enrolment.progress_percent == 40  # kept anonymised
    user = db.session.get(User, person.id)
    assert user.is_anonymised and not user.is_active and user.password_hash is None


def test_erasure_keeps_training_records_only_anonymised(browser, person):
    trainer_id = db.session.scalar(select(User.id).where(User.role == TRAINER))
    _grant_erasure(browser)
    assert db.session.scalar(select(func.count()).select_from(CourseView)) == 0
    assert db.session.scalar(select(func.count()).select_from(Certificate)) == 0  # holder name and PDF gone
    attempt = db.session.scalar(select(QuizAttempt))
    assert (attempt.score_percent, attempt.is_passed, attempt.answers) == (80, True, {"1": 2})
    assert db.session.get(Enrolment, attempt.enrolment_id).user_id == person.id
    assert db.session.scalar(select(Registration.status).where(Registration.user_id == person.id)) == "registered"
    rows = db.session.execute(select(Attendance.user_id, Attendance.status, Attendance.minutes, Attendance.note,
                                     Attendance.marked_by_id).order_by(Attendance.id)).all()
    assert [tuple(row) for row in rows] == [(person.id, "late", 200, "", trainer_id),
                                            (rows[1].user_id, "late", 200, "", trainer_id)]


def test_erasing_a_trainer_keeps_who_marked_the_attendance(person):
    trainer = db.session.scalar(select(User).where(User.role == TRAINER))
    erase_user(trainer, actor=make_user(role=PLATFORM_ADMIN))
    db.session.commit()
    assert set(db.session.scalars(select(Attendance.marked_by_id))) == {trainer.id}
    assert db.session.get(User, trainer.id).is_anonymised


def test_erased_person_cannot_log_in_or_be_found(browser, app, person):
    _grant_erasure(browser)
    response = Browser(app.test_client()).login(EMAIL, password=PASSWORD)
    assert response.status_code == 200 and "onjuist" in response.text  # the neutral login error, in Dutch
    assert EMAIL not in browser.get(f"/admin/users?q={NAME}").text
    assert SURNAME not in browser.get(f"/admin/users?q={SURNAME}").text.split("<tbody>")[1].split("</tbody>")[0]


def test_erased_person_is_hidden_from_the_company(browser, person):
    _grant_erasure(browser)
    hr = make_user(role=COMPANY_ADMIN, company=db.session.get(Company, person.company_id))
    browser.logout()
    browser.login(hr.email)
    rows = browser.get("/company/employees").text.split("<tbody>")[1].split("</tbody>")[0].split("</tbody>")[0]
    assert "erased" not in rows.lower() and hr.email in rows


def test_legal_hold_keeps_identity_and_training_records_but_closes_the_account(browser, person):
    _grant_erasure(browser, legal_hold=True)
    user = db.session.get(User, person.id)
    assert (user.first_name, user.email) == (NAME, EMAIL)
    assert not user.is_active and user.is_restricted and not user.is_anonymised
    assert db.session.scalar(select(Enrolment.user_id)) == person.id
    assert [t for t, _c, _v in _occurrences([IP])] == []
    certificate = db.session.scalar(select(Certificate))
    assert certificate.holder_name == f"{NAME} {SURNAME}" and certificate.pdf.startswith(b"%PDF")
    notes = db.session.scalars(select(Attendance.note).order_by(Attendance.id)).all()
    assert notes == [f"{NAME} {SURNAME} left for a call", f"Sat next to {NAME}"]
    assert db.session.scalar(select(func.count()).select_from(CourseView)) == 0


def test_erasing_twice_changes_nothing_more(person):
    admin = make_user(role=PLATFORM_ADMIN)
    assert erase_user(person, actor=admin) > 0
    db.session.commit()
    assert erase_user(person, actor=admin) == 0


def test_erased_people_receive_no_marketing(person):
    give_consent(person, policy.NEWSLETTER)
    admin = make_user(role=PLATFORM_ADMIN)
    erase_user(person, actor=admin)
    db.session.commit()
    campaign = save_campaign(None, actor=admin, kind="newsletter", texts={"fr": {"subject": "S", "body": "B"}})
    assert send_campaign(campaign, actor=admin) == 0



def _free_text_mentioning_the_person(person):
    """Texts others wrote that name the person: news, course content, a question, a session, an incident."""
    from oscart.classroom.models import TrainingSession
    from oscart.privacy.models import Campaign, Incident
    from oscart.training.models import CompanyNews, CourseTranslation, Lesson, LessonTranslation
    from oscart.training.quiz_models import Choice, ChoiceTranslation, Question, QuestionTranslation

    full, loud = f"{NAME} {SURNAME}", f"{SURNAME.upper()} {NAME.upper()}"
    course = make_privacy_course(title=f"Onboarding with {full}")
    quiz = db.session.scalar(select(Quiz).where(Quiz.course_id == course.id)) or Quiz(course_id=course.id)
    lesson = Lesson(course_id=course.id, position=1)
    db.session.add_all([quiz, lesson])
    db.session.flush()
    question = Question(quiz_id=quiz.id)
    db.session.add_all([
        CompanyNews(company_id=person.company_id, title=f"Welcome {NAME}!", body_source=f"Say hi to {loud}.",
                    body_html=f"<p>Mail <a href=\"mailto:{EMAIL}\">{EMAIL}</a></p>"),
        LessonTranslation(lesson_id=lesson.id, language="fr", title="Contact",
                          body_source=f"Questions? Ask {EMAIL}.", body_html=f"<p>Questions? Ask {EMAIL}.</p>"),
        question,
        Incident(title=f"Laptop of {full} lost", occurred_at=utcnow(), texts={"fr": f"Le portable de {NAME}."}),
        Campaign(texts={"fr": {"subject": "Nouvelles", "body": f"Merci à {full}"}}),
    ])
    db.session.flush()
    choice = Choice(question_id=question.id, is_correct=True)
    db.session.add_all([choice, QuestionTranslation(question_id=question.id, language="fr", text=f"Who is {full}?",
                                                    explanation=f"Ask {EMAIL}.")])
    db.session.flush()
    db.session.add(ChoiceTranslation(choice_id=choice.id, language="fr", text=f"{full}, of course"))
    db.session.execute(update(TrainingSession).values(place=f"Office of {full}, Gent"))
    summary = db.session.scalar(select(CourseTranslation).where(CourseTranslation.course_id == course.id))
    summary.summary = f"Given by {full} every month."
    db.session.commit()


def test_erasure_replaces_the_person_in_every_free_text(browser, person):
    _free_text_mentioning_the_person(person)
    assert {"company_news", "lesson_translation", "question_translation", "choice_translation", "incident", "campaign",
            "training_session", "course_translation"} <= {t for t, _c, _v in _occurrences([NAME, EMAIL])}
    assert _grant_erasure(browser).status_code == 302
    assert _occurrences([NAME, SURNAME, EMAIL, "zebulon.quixotez"]) == []
    assert db.session.scalar(select(CompanyNews.body_source)) == "Say hi to [erased]."
    from oscart.training.quiz_models import QuestionTranslation

    assert db.session.scalar(select(QuestionTranslation.text)) == "Who is [erased]?"


def test_free_text_erasure_replaces_whole_words_only(person):
    news = CompanyNews(company_id=person.company_id, title=f"{NAME}belle and {NAME}", body_source="")
    db.session.add(news)
    db.session.commit()
    erase_user(person, actor=person)
    db.session.commit()
    assert db.session.get(CompanyNews, news.id).title == f"{NAME}belle and [erased]"


def test_legal_hold_keeps_notes_in_the_attendance_record(browser, person):
    assert _grant_erasure(browser, legal_hold=True).status_code == 302
    notes = db.session.scalars(select(Attendance.note)).all()
    assert f"{NAME} {SURNAME} left for a call" in notes


def test_the_statement_lists_what_erasure_keeps_and_why(client):
    page = client.get("/privacy", headers={"Accept-Language": "en"}).text
    assert "What an erasure does not remove, and why" in page
    assert "break its signature" in page and "as long as the legal obligation lasts" in page
