"""My data: the archive after re-authentication, checked field by field against the database."""

import io
import json
import zipfile
from datetime import timedelta

import pytest

from oscart.accounts.models import User
from oscart.audit.models import AuditEvent
from oscart.auth.models import UserSession
from oscart.certificates.models import Certificate
from oscart.classroom.models import Attendance, Registration, SessionPart, TrainingSession
from oscart.core.database import utcnow
from oscart.core.extensions import db
from oscart.core.security import COMPANY_ADMIN, TRAINER
from oscart.mail.models import OutboxMessage
from oscart.privacy import policy
from oscart.privacy.models import Consent
from oscart.training.models import CompanyNews, Course, CourseView, Enrolment, LessonProgress
from oscart.training.quiz_models import Quiz, QuizAttempt
from tests.factories import (
    PASSWORD,
    enable_two_step,
    give_consent,
    make_certificate,
    make_company,
    make_privacy_course,
    make_registration,
    make_training_session,
    make_user,
    past_parts,
    pyotp_code,
)


@pytest.fixture
def trainee():
    return make_user(company=make_company(name="Acme"), language="fr", first_name="Zoé", last_name="Dupont")


def _download(browser, password=PASSWORD, **extra):
    return browser.submit("/privacy/me/export", {"password": password, **extra}, form_page="/privacy/me/export")


def _archive(response):
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    return zipfile.ZipFile(io.BytesIO(response.data))


def test_archive_holds_every_category_as_in_the_database(browser, trainee):
    from oscart.training.models import Lesson

    course = make_privacy_course(code="EHBO")
    lesson = Lesson(course_id=course.id, position=1)
    db.session.add(lesson)
    enrolment = Enrolment(user_id=trainee.id, course_id=course.id, progress_percent=50)
    db.session.add(enrolment)
    db.session.flush()
    db.session.add(LessonProgress(enrolment_id=enrolment.id, lesson_id=lesson.id))
    db.session.commit()
    give_consent(trainee, policy.NEWSLETTER)
    browser.login(trainee.email)
    archive = _archive(_download(browser))
    assert {"data.json", "summary.html"} <= set(archive.namelist())
    data = json.loads(archive.read("data.json"))["data"]

    user = db.session.get(User, trainee.id)
    for field in ("id", "email", "first_name", "last_name", "language", "role", "last_login_ip"):
        assert data["profile"][field] == getattr(user, field)
    assert data["profile"]["last_login_at"] == user.last_login_at.isoformat()
    assert data["company"] == {"id": trainee.company_id, "name": "Acme"}

    consent = db.session.scalar(db.select(Consent))
    assert data["consents"] == [{"purpose": consent.purpose, "is_granted": True, "at": consent.at.isoformat(),
                                 "ip": "198.51.100.1", "statement_version": None, "source": "privacy_page"}]
    session = db.session.scalar(db.select(UserSession))
    assert data["sessions"][0]["ip"] == session.ip and data["sessions"][0]["user_agent"] == session.user_agent

    events = db.session.scalars(db.select(AuditEvent).where(AuditEvent.subject_id == trainee.id)
                                .order_by(AuditEvent.id)).all()
    assert [e["action"] for e in data["audit_events"]] == [e.action for e in events][:-1]
    assert events[-1].action == "privacy.exported"

    messages = db.session.scalars(db.select(OutboxMessage).where(OutboxMessage.user_id == trainee.id)).all()
    assert [m["subject"] for m in data["messages"]] == [m.subject for m in messages]

    [row] = data["enrolments"]
    assert row["course_code"] == "EHBO" and row["progress_percent"] == 50 and row["status"] == enrolment.status
    assert row["enrolled_at"] == db.session.get(Enrolment, enrolment.id).enrolled_at.isoformat()
    assert [item["lesson_id"] for item in row["lessons_completed"]] == [lesson.id]


def test_archive_holds_training_classroom_and_certificates(browser, trainee):
    course = make_privacy_course(code="QUIZ")
    enrolment = Enrolment(user_id=trainee.id, course_id=course.id)
    quiz = Quiz(course_id=course.id)
    db.session.add_all([enrolment, quiz, CourseView(user_id=trainee.id, course_id=course.id),
                        CompanyNews(company_id=trainee.company_id, title="Bienvenue", author_id=trainee.id)])
    db.session.flush()
    asked = [{"id": 3, "kind": "single", "language": "fr", "text": "Qui appeler ?", "explanation": "",
              "choices": [{"id": 8, "text": "Le 112", "correct": True}, {"id": 7, "text": "Un ami", "correct": False}]},
             {"id": 4, "kind": "multiple", "language": "fr", "text": "Quels gestes ?", "explanation": "",
              "choices": [{"id": 9, "text": "Masser", "correct": True},
                          {"id": 10, "text": "Alerter", "correct": True}]}]
    db.session.add(QuizAttempt(enrolment_id=enrolment.id, quiz_id=quiz.id, language="fr", score_percent=50,
                               is_passed=True, questions=asked, answers={"3": [7], "4": [9, 10]}))
    trainer = make_user(role=TRAINER, first_name="Thomas", last_name="Trainer")
    session = make_training_session(trainers=[trainer], parts=past_parts())
    registration = make_registration(session, trainee)
    part = db.session.scalar(db.select(SessionPart))
    db.session.add(Attendance(part_id=part.id, session_id=session.id, part_starts_at=part.starts_at,
                              user_id=trainee.id, status="late", minutes=210, note="Arrivée à 9h30",
                              marked_by_id=trainer.id))
    db.session.commit()
    stored = make_certificate(trainee, titles={"fr": "Premiers secours"}, validity_months=12)
    browser.login(trainee.email)
    archive = _archive(_download(browser))
    data = json.loads(archive.read("data.json"))["data"]

    [attempt] = data["quiz_attempts"]
    assert (attempt["course_code"], attempt["score_percent"], attempt["is_passed"]) == ("QUIZ", 50, True)
    assert attempt["questions"] == [  # in words, not answer numbers
        {"question": "Qui appeler ?", "your_answers": ["Un ami"], "is_correct": False},
        {"question": "Quels gestes ?", "your_answers": ["Masser", "Alerter"], "is_correct": True}]
    assert attempt["started_at"] == db.session.scalar(db.select(QuizAttempt.started_at)).isoformat()
    assert [view["course_code"] for view in data["course_views"]] == ["QUIZ"]
    assert [news["title"] for news in data["company_news"]] == ["Bienvenue"] and data["lesson_images"] == []

    [row] = data["registrations"]
    registration = db.session.get(Registration, registration.id)
    course_code = db.session.scalar(db.select(Course.code).join(TrainingSession, TrainingSession.course_id == Course.id)
                                    .where(TrainingSession.id == session.id))
    assert (row["session_id"], row["course_code"], row["status"], row["is_walk_in"], row["created_at"]) == (
        session.id, course_code, registration.status, False, registration.created_at.isoformat())
    assert row["starts_at"] == session.starts_at.isoformat() and row["place"] == session.place

    attendance = db.session.scalar(db.select(Attendance))
    [row] = data["attendance"]
    assert row == {"id": attendance.id, "session_id": session.id, "course_code": course_code,
                   "part_starts_at": attendance.part_starts_at.isoformat(), "status": "late", "minutes": 210,
                   "note": "Arrivée à 9h30", "marked_by_id": trainer.id, "marked_by_name": "Thomas Trainer",
                   "updated_at": attendance.updated_at.isoformat(), "signed_at": None, "file": None}

    certificate = db.session.get(Certificate, stored.id)
    [row] = data["certificates"]
    for field in ("code", "origin", "language", "holder_name", "course_title", "place", "trainer_name",
                  "pdf_sha256", "pdf_size", "is_signed", "revoked_at"):
        assert row[field] == getattr(certificate, field), field
    assert row["hours"] == float(certificate.hours) and row["completed_on"] == certificate.completed_on.isoformat()
    assert row["issued_at"] == certificate.issued_at.isoformat()
    assert row["valid_until"] == certificate.valid_until.isoformat()
    assert row["holder_name"] == "Zoé Dupont" and row["course_title"] == "Premiers secours"
    assert archive.read(f"files/{row['file']}") == certificate.pdf  # byte-identical to the stored PDF
    summary = archive.read("summary.html").decode()
    assert "Arrivée à 9h30" in summary and certificate.code in summary
    assert "Qui appeler ?" in summary and "Un ami" in summary  # the questions asked, in words


def test_summary_is_readable_in_the_users_language(browser, trainee):
    browser.login(trainee.email)
    summary = _archive(_download(browser)).read("summary.html").decode()
    assert '<html lang="fr">' in summary
    assert "Zoé" in summary and trainee.email in summary


def test_download_is_audited(browser, trainee):
    browser.login(trainee.email)
    _download(browser)
    assert db.session.scalar(db.select(AuditEvent.action).where(AuditEvent.action == "privacy.exported"))


def test_wrong_password_gives_no_archive_and_is_audited(browser, trainee):
    browser.login(trainee.email)
    response = _download(browser, password="wrong password here")
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert db.session.scalar(db.select(AuditEvent.details).where(AuditEvent.action == "privacy.export_refused"))


@pytest.mark.config(RATELIMIT_PRIVACY_EXPORT="2 per hour")
def test_downloads_are_rate_limited(browser, trainee):
    browser.login(trainee.email)
    assert _download(browser).status_code == 200
    assert _download(browser).status_code == 200
    assert _download(browser).status_code == 429


def test_two_step_users_need_their_code(browser, trainee):
    secret = enable_two_step(trainee)
    browser.login(trainee.email)
    browser.submit("/login/two-step", {"code": pyotp_code(secret)}, form_page="/login/two-step")
    page = browser.get("/privacy/me/export").text
    assert 'name="code"' in page
    assert _download(browser).mimetype == "text/html"  # the password alone is refused
    assert _download(browser, code="000000").mimetype == "text/html"
    next_code = pyotp_code(secret, utcnow() + timedelta(seconds=30))  # the login used the current one
    data = json.loads(_archive(_download(browser, code=next_code)).read("data.json"))["data"]
    assert data["profile"]["two_step_enabled"] is True


def test_company_admin_downloads_only_their_own_data(browser):
    company = make_company()
    employee = make_user(company=company)
    hr = make_user(role=COMPANY_ADMIN, company=company)
    browser.login(hr.email)
    data = json.loads(_archive(_download(browser)).read("data.json"))["data"]
    assert data["profile"]["email"] == hr.email
    assert employee.email not in json.dumps(data)


def test_export_needs_login(client):
    assert client.get("/privacy/me/export").status_code == 302
