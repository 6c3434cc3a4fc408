"""Authoring: settings, translations side by side, publication rules, company courses, news, assignments."""

from datetime import timedelta

from sqlalchemy import select

from oscart.audit.models import AuditEvent
from oscart.core.database import utcnow
from oscart.core.extensions import db
from oscart.core.security import COMPANY_ADMIN, PLATFORM_ADMIN, TRAINER
from oscart.mail.models import OutboxMessage
from oscart.training import authoring
from oscart.training.company import assign_course
from oscart.training.models import CompanyNews, Course, CourseCompany, Enrolment, LessonTranslation
from tests.factories import lesson_ids, make_company, make_elearning_course, make_enrolment, make_user

COURSE_FORM = {"code": "fire-1", "format": "elearning", "duration_hours": "2", "validity_months": "",
               "completion_rule": "lessons", "default_language": "nl", "title_nl": "Brandveiligheid"}


def test_trainer_creates_a_draft_assigned_to_chosen_companies(browser):
    acme = make_company()
    browser.login(make_user(role=TRAINER).email)
    response = browser.submit("/training/manage/new", {**COURSE_FORM, "company_ids": [str(acme.id)]},
                              form_page="/training/manage/new")
    assert response.status_code == 302
    course = db.session.scalar(select(Course))
    assert course.code == "FIRE-1" and course.status == "draft" and not course.is_global
    assert course.owner_company_id is None
    assert db.session.scalar(select(CourseCompany.company_id)) == acme.id


def test_course_code_must_be_unique(browser):
    make_elearning_course(code="FIRE-1")
    browser.login(make_user(role=PLATFORM_ADMIN).email)
    response = browser.submit("/training/manage/new", {**COURSE_FORM, "is_global": "y"},
                              form_page="/training/manage/new")
    assert response.status_code == 400 and "Een andere opleiding gebruikt deze code al." in response.text


def test_company_admin_course_is_only_the_company_own(browser):
    acme = make_company()
    browser.login(make_user(role=COMPANY_ADMIN, company=acme).email)
    browser.submit("/training/manage/new", {**COURSE_FORM, "is_global": "y"}, form_page="/training/manage/new")
    course = db.session.scalar(select(Course))
    assert course.owner_company_id == acme.id and course.is_global is False


def test_publish_needs_a_title_and_a_lesson(browser):
    course = make_elearning_course(status="draft", titles={"fr": "Cours"}, lessons=0)
    browser.login(make_user(role=PLATFORM_ADMIN).email)
    response = browser.submit(f"/training/manage/{course.id}/status", {"action": "publish"})
    assert "Geef de opleiding een titel in haar standaardtaal" in browser.get(response.headers["Location"]).text
    db.session.refresh(course)
    assert course.status == "draft"


def test_publish_and_archive_are_audited(browser):
    course = make_elearning_course(status="draft")
    browser.login(make_user(role=PLATFORM_ADMIN).email)
    browser.submit(f"/training/manage/{course.id}/status", {"action": "publish"})
    db.session.refresh(course)
    assert course.status == "published" and course.published_at is not None
    browser.submit(f"/training/manage/{course.id}/status", {"action": "archive"})
    db.session.refresh(course)
    assert course.status == "archived"
    actions = list(db.session.scalars(select(AuditEvent.action).where(AuditEvent.action.like("training.%"))
                                      .order_by(AuditEvent.id)))
    assert actions == ["training.published", "training.archived"]


def test_quiz_rule_needs_questions_before_publishing(app):
    admin = make_user(role=PLATFORM_ADMIN)
    course = make_elearning_course(status="draft", completion_rule="lessons_quiz")
    import pytest

    from oscart.core.exceptions import RuleViolation

    with pytest.raises(RuleViolation):
        authoring.publish_course(course, actor=admin)


def test_a_course_someone_follows_is_never_deleted(browser):
    course = make_elearning_course(status="draft")
    make_enrolment(make_user(company=make_company()), course)
    browser.login(make_user(role=PLATFORM_ADMIN).email)
    browser.submit(f"/training/manage/{course.id}/status", {"action": "delete"})
    assert db.session.get(Course, course.id) is not None


def test_an_unused_draft_is_deleted_with_its_content(browser):
    from oscart.training.models import CourseTranslation, Lesson
    from oscart.training.quiz_models import Choice, ChoiceTranslation, Question, QuestionTranslation, Quiz

    course_id = make_elearning_course(status="draft", companies=[make_company()],
                                      quiz={"nl": [("Vraag", ["Ja", "Nee"], 0)]}).id
    browser.login(make_user(role=PLATFORM_ADMIN).email)
    response = browser.submit(f"/training/manage/{course_id}/status", {"action": "delete"})
    assert response.headers["Location"] == "/training/manage/"
    for model in (Course, CourseTranslation, CourseCompany, Lesson, LessonTranslation, Quiz, Question,
                  QuestionTranslation, Choice, ChoiceTranslation):
        assert db.session.scalar(select(model.id)) is None, model.__name__


def test_a_draft_with_a_planned_session_is_kept_and_the_author_told_why(browser):
    from oscart.classroom.models import TrainingSession
    from tests.factories import make_training_session

    course = make_elearning_course(status="draft", format="classroom")
    session_id = make_training_session(course).id
    browser.login(make_user(role=PLATFORM_ADMIN).email)
    response = browser.submit(f"/training/manage/{course.id}/status", {"action": "delete"})
    assert "Alleen een ontwerp zonder inschrijvingen, sessies of certificaten" in browser.get(
        response.headers["Location"]).text
    assert db.session.get(Course, course.id) is not None and db.session.get(TrainingSession, session_id) is not None


def test_editor_flags_missing_and_outdated_translations(browser):
    course = make_elearning_course(titles={"nl": "Cursus", "fr": "Cours"}, lessons=1)
    lesson_id = lesson_ids(course)[0]
    nl = db.session.scalar(select(LessonTranslation).where(LessonTranslation.lesson_id == lesson_id,
                                                           LessonTranslation.language == "nl"))
    nl.updated_at = utcnow() + timedelta(minutes=5)  # the source changed after the French text
    db.session.commit()
    status, lessons = authoring.translation_matrix(course)
    assert status == {"nl": "current", "fr": "current", "de": "missing", "en": "missing"}
    assert lessons[0]["status"] == {"nl": "current", "fr": "outdated", "de": "missing", "en": "missing"}
    browser.login(make_user(role=PLATFORM_ADMIN).email)
    page = browser.get(f"/training/manage/{course.id}/editor").text
    assert "Verouderd" in page and "Ontbreekt" in page


def test_side_by_side_editor_saves_a_translation(browser):
    course = make_elearning_course(titles={"nl": "Cursus"}, lessons=1)
    lesson_id = lesson_ids(course)[0]
    browser.login(make_user(role=PLATFORM_ADMIN).email)
    url = f"/training/manage/{course.id}/lessons/{lesson_id}/de"
    page = browser.get(url).text
    assert "Les 1 nl" in page  # the source text is shown next to the form
    browser.submit(url, {"title": "Lektion 1", "body_source": "# Hallo\n\n**fett**"}, form_page=url)
    row = db.session.scalar(select(LessonTranslation).where(LessonTranslation.language == "de"))
    assert row.title == "Lektion 1" and "<strong>fett</strong>" in row.body_html


def test_company_admin_assigns_a_course_with_due_date(browser, outbox):
    acme = make_company()
    hr = make_user(role=COMPANY_ADMIN, company=acme)
    pieter = make_user(company=acme, first_name="Pieter", language="nl")
    course = make_elearning_course(titles={"nl": "Veilig heffen"})
    browser.login(hr.email)
    response = browser.submit("/training/company/assign", {"course_id": str(course.id), "user_ids": [str(pieter.id)],
                                                           "due_date": "2030-05-31"},
                              form_page="/training/company/assign")
    assert response.status_code == 302
    enrolment = db.session.scalar(select(Enrolment))
    assert enrolment.user_id == pieter.id and enrolment.assigned_by_id == hr.id
    assert enrolment.due_at.date().isoformat() in ("2030-05-31",)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "training.assigned"))
    assert event.company_id == acme.id and event.subject_id == pieter.id
    assert outbox and outbox[-1]["To"] == pieter.email


def test_assignment_mail_skips_restricted_people(outbox):
    acme = make_company()
    hr = make_user(role=COMPANY_ADMIN, company=acme)
    restricted = make_user(company=acme, is_restricted=True)
    pieter = make_user(company=acme)
    course = make_elearning_course()
    assign_course(hr, course.id, [restricted.id, pieter.id], due_at=None)
    db.session.commit()
    assert list(db.session.scalars(select(OutboxMessage.recipient))) == [pieter.email]
    assert db.session.scalar(select(Enrolment.id).where(Enrolment.user_id == restricted.id))  # still enrolled


def test_company_admin_cannot_assign_people_of_another_company(browser):
    acme, globex = make_company(), make_company()
    hr = make_user(role=COMPANY_ADMIN, company=acme)
    stranger = make_user(company=globex)
    course = make_elearning_course()
    browser.login(hr.email)
    response = browser.submit("/training/company/assign", {"course_id": str(course.id),
                                                           "user_ids": [str(stranger.id)]},
                              form_page="/training/company/assign")
    assert response.status_code == 200
    assert db.session.scalar(select(Enrolment.id)) is None


def test_company_admin_cannot_assign_a_course_of_another_company(browser):
    acme, globex = make_company(), make_company()
    hr = make_user(role=COMPANY_ADMIN, company=acme)
    course = make_elearning_course(is_global=False, owner=globex)
    browser.login(hr.email)
    response = browser.submit("/training/company/assign", {"course_id": str(course.id),
                                                           "user_ids": [str(make_user(company=acme).id)]},
                              form_page="/training/company/assign")
    assert response.status_code == 404
    assert db.session.scalar(select(Enrolment.id)) is None


def test_news_is_sanitised_and_pinned(browser):
    acme = make_company()
    browser.login(make_user(role=COMPANY_ADMIN, company=acme).email)
    browser.submit("/training/company/news/new", {"title": "Welkom", "body_source": "Hoi <script>x()</script>",
                                                  "is_pinned": "y"}, form_page="/training/company/news/new")
    news = db.session.scalar(select(CompanyNews))
    assert news.company_id == acme.id and news.is_pinned and "<script" not in news.body_html
