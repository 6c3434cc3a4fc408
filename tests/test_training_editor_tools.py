"""The course editor's tools: a lesson's preview, duplicating a course, reordering the question bank."""

from sqlalchemy import func, select

from oscart.audit.models import AuditEvent
from oscart.certificates.models import Certificate
from oscart.core.extensions import db
from oscart.core.security import COMPANY_ADMIN, PLATFORM_ADMIN
from oscart.training.models import (
    Course,
    CourseCompany,
    CourseTranslation,
    Enrolment,
    Lesson,
    LessonImage,
    LessonProgress,
    LessonTranslation,
)
from oscart.training.quiz_models import Choice, ChoiceTranslation, Question, QuestionTranslation, Quiz, QuizAttempt
from tests.factories import (
    lesson_ids,
    make_attempt,
    make_certificate,
    make_company,
    make_elearning_course,
    make_enrolment,
    make_user,
)

QUIZ = {"nl": [("Vraag 1", ["Ja", "Nee"], 0), ("Vraag 2", ["A", "B", "C"], {0, 2}, "multiple")],
        "fr": [("Question 1", ["Oui", "Non"], 0), ("Question 2", ["A", "B", "C"], {0, 2}, "multiple")],
        "pass_percent": 80, "draw_count": 1}


def _lesson_url(course, lang="de"):
    return f"/training/manage/{course.id}/lessons/{lesson_ids(course)[0]}/{lang}"


def test_preview_shows_the_cleaned_text_and_saves_nothing(browser):
    course = make_elearning_course(titles={"nl": "Cursus"}, lessons=1)
    browser.login(make_user(role=PLATFORM_ADMIN).email)
    url = _lesson_url(course)
    body = "# Hallo\n\n**fett** <script>alert(1)</script>"
    response = browser.submit(url, {"title": "Lektion 1", "body_source": body, "preview": "1"}, form_page=url)
    assert response.status_code == 200
    page = response.text
    preview = page.split('class="card lesson-preview"')[1].split("</section>")[0]
    assert "<strong>fett</strong>" in preview and "<script" not in preview and "alert(1)" not in preview
    assert "Voorbeeld (niet bewaard)" in page
    assert 'value="Lektion 1"' in page and "&lt;script&gt;alert(1)&lt;/script&gt;</textarea>" in page
    assert db.session.scalar(select(LessonTranslation).where(LessonTranslation.language == "de")) is None


def test_preview_with_bad_input_keeps_the_text(browser):
    course = make_elearning_course(titles={"nl": "Cursus"}, lessons=1)
    browser.login(make_user(role=PLATFORM_ADMIN).email)
    url = _lesson_url(course)
    response = browser.submit(url, {"title": "", "body_source": "Mijn *tekst*", "preview": "1"}, form_page=url)
    page = response.text
    assert response.status_code == 200 and "Mijn *tekst*</textarea>" in page
    assert "<em>tekst</em>" in page  # the text is previewed even before the lesson has a title
    assert "field-error" in page
    assert db.session.scalar(select(LessonTranslation).where(LessonTranslation.language == "de")) is None


def test_preview_needs_a_valid_token(browser):
    course = make_elearning_course(titles={"nl": "Cursus"}, lessons=1)
    browser.login(make_user(role=PLATFORM_ADMIN).email)
    response = browser.client.post(_lesson_url(course), data={"title": "T", "body_source": "**x**", "preview": "1"})
    assert response.status_code == 400


# --- Duplicating a course ----------------------------------------------------------------------------

def _course_with_everything(**fields):
    course = make_elearning_course(titles={"nl": "Veilig heffen", "fr": "Soulever"}, quiz=dict(QUIZ), **fields)
    image = LessonImage(course_id=course.id, content_type="image/png", width=1, height=1, data=b"png", sha256="0" * 64)
    db.session.add(image)
    db.session.flush()
    first = db.session.scalar(select(LessonTranslation).where(LessonTranslation.lesson_id == lesson_ids(course)[0],
                                                              LessonTranslation.language == "nl"))
    first.body_source = f"![Heffen](/training/images/{image.id})"
    first.body_html = f'<p><img src="/training/images/{image.id}" alt="Heffen"></p>'
    trainee = make_user(company=make_company())
    make_certificate(trainee, course)
    make_attempt(make_enrolment(make_user(), course), submitted_at=None)
    db.session.commit()
    return course, image


def _counts(course_id):
    quiz_id = select(Quiz.id).where(Quiz.course_id == course_id).scalar_subquery()
    question_ids = select(Question.id).where(Question.quiz_id == quiz_id)
    lesson_id_list = select(Lesson.id).where(Lesson.course_id == course_id)
    count = lambda model, condition: db.session.scalar(select(func.count()).select_from(model).where(condition))  # noqa: E731
    return {"translations": count(CourseTranslation, CourseTranslation.course_id == course_id),
            "lessons": count(Lesson, Lesson.course_id == course_id),
            "lesson_translations": count(LessonTranslation, LessonTranslation.lesson_id.in_(lesson_id_list)),
            "images": count(LessonImage, LessonImage.course_id == course_id),
            "questions": count(Question, Question.quiz_id == quiz_id),
            "question_translations": count(QuestionTranslation, QuestionTranslation.question_id.in_(question_ids)),
            "choices": count(Choice, Choice.question_id.in_(question_ids)),
            "choice_translations": count(ChoiceTranslation, ChoiceTranslation.choice_id.in_(
                select(Choice.id).where(Choice.question_id.in_(question_ids)))),
            "enrolments": count(Enrolment, Enrolment.course_id == course_id),
            "certificates": count(Certificate, Certificate.course_id == course_id)}


def test_duplicate_copies_the_content_and_nothing_personal(browser):
    course, image = _course_with_everything(status="published")
    before = _counts(course.id)
    browser.login(make_user(role=PLATFORM_ADMIN).email)
    response = browser.submit(f"/training/manage/{course.id}/duplicate", {"copy-code": course.code + "-2"},
                              form_page=f"/training/manage/{course.id}")
    copy = db.session.scalar(select(Course).where(Course.code == course.code + "-2"))
    assert response.status_code == 302 and response.headers["Location"] == f"/training/manage/{copy.id}/editor"
    assert copy.status == "draft" and copy.published_at is None and copy.completion_rule == course.completion_rule
    assert _counts(copy.id) == {**before, "enrolments": 0, "certificates": 0}
    assert _counts(course.id) == before
    assert db.session.scalar(select(func.count(QuizAttempt.id))) == 1
    assert db.session.scalar(select(func.count(LessonProgress.id)).join(Lesson).where(Lesson.course_id == copy.id)) == 0
    quiz = db.session.scalar(select(Quiz).where(Quiz.course_id == copy.id))
    assert (quiz.pass_percent, quiz.draw_count) == (80, 1)
    new_image = db.session.scalar(select(LessonImage).where(LessonImage.course_id == copy.id))
    assert new_image.data == b"png"
    copied = db.session.scalar(select(LessonTranslation).join(Lesson).where(
        Lesson.course_id == copy.id, Lesson.position == 1, LessonTranslation.language == "nl"))
    assert copied.body_source == f"![Heffen](/training/images/{new_image.id})"
    assert f'src="/training/images/{new_image.id}"' in copied.body_html
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "training.course_duplicated"))
    assert event.target == f"course:{copy.id}" and event.details["source"] == f"course:{course.id}"
    assert "De opleiding is gekopieerd" in browser.get(response.headers["Location"]).text


def test_staff_duplicate_for_one_company_is_only_in_its_catalogue(browser):
    acme, globex = make_company(), make_company()
    course = make_elearning_course(is_global=False, companies=[globex])
    browser.login(make_user(role=PLATFORM_ADMIN).email)
    browser.submit(f"/training/manage/{course.id}/duplicate",
                   {"copy-code": "acme-heffen", "copy-company_id": str(acme.id)},
                   form_page=f"/training/manage/{course.id}")
    copy = db.session.scalar(select(Course).where(Course.code == "ACME-HEFFEN"))
    assert copy.is_global is False and copy.owner_company_id is None
    assigned = db.session.scalars(select(CourseCompany.company_id).where(CourseCompany.course_id == copy.id))
    assert list(assigned) == [acme.id]


def test_company_admin_duplicates_an_own_course(browser):
    acme = make_company()
    course = make_elearning_course(owner=acme, is_global=False)
    browser.login(make_user(role=COMPANY_ADMIN, company=acme).email)
    page = browser.get(f"/training/manage/{course.id}").text
    assert f'value="{course.code}-2"' in page
    browser.submit(f"/training/manage/{course.id}/duplicate", {"copy-code": f"{course.code}-2"},
                   form_page=f"/training/manage/{course.id}")
    copy = db.session.scalar(select(Course).where(Course.code == f"{course.code}-2"))
    assert copy.owner_company_id == acme.id and copy.is_global is False


def test_company_admin_cannot_duplicate_another_company_course(browser):
    acme, globex = make_company(), make_company()
    course = make_elearning_course(owner=globex, is_global=False)
    browser.login(make_user(role=COMPANY_ADMIN, company=acme).email)
    response = browser.submit(f"/training/manage/{course.id}/duplicate", {"copy-code": "MINE"})
    assert response.status_code == 404
    assert db.session.scalar(select(func.count(Course.id))) == 1


def test_duplicate_with_a_taken_code_copies_nothing(browser):
    course = make_elearning_course()
    other = make_elearning_course()
    browser.login(make_user(role=PLATFORM_ADMIN).email)
    response = browser.submit(f"/training/manage/{course.id}/duplicate", {"copy-code": other.code},
                              form_page=f"/training/manage/{course.id}")
    assert response.headers["Location"] == f"/training/manage/{course.id}"
    assert "Een andere opleiding gebruikt deze code al." in browser.get(response.headers["Location"]).text
    assert db.session.scalar(select(func.count(Course.id))) == 2


# --- Reordering the question bank -------------------------------------------------------------------

def _bank(course):
    quiz_id = select(Quiz.id).where(Quiz.course_id == course.id).scalar_subquery()
    return list(db.session.scalars(select(QuestionTranslation.text).join(Question)
                                   .where(Question.quiz_id == quiz_id, QuestionTranslation.language == "nl")
                                   .order_by(Question.position)))


def _question_id(course, text):
    return db.session.scalar(select(Question.id).join(QuestionTranslation).join(Quiz)
                             .where(Quiz.course_id == course.id, QuestionTranslation.text == text))


def test_questions_move_up_and_down(browser):
    quiz = {"nl": [("Vraag 1", ["Ja", "Nee"], 0), ("Vraag 2", ["Ja", "Nee"], 0), ("Vraag 3", ["Ja", "Nee"], 0)]}
    course = make_elearning_course(titles={"nl": "Cursus"}, quiz=quiz)
    browser.login(make_user(role=PLATFORM_ADMIN).email)
    url = f"/training/manage/{course.id}/quiz/questions/{_question_id(course, 'Vraag 3')}/move"
    response = browser.submit(url, {"direction": "up"}, form_page=f"/training/manage/{course.id}/quiz")
    assert response.headers["Location"] == f"/training/manage/{course.id}/quiz"
    assert _bank(course) == ["Vraag 1", "Vraag 3", "Vraag 2"]
    browser.submit(f"/training/manage/{course.id}/quiz/questions/{_question_id(course, 'Vraag 1')}/move",
                   {"direction": "down"})
    assert _bank(course) == ["Vraag 3", "Vraag 1", "Vraag 2"]
    browser.submit(url, {"direction": "up"})  # already first: nothing changes
    assert _bank(course) == ["Vraag 3", "Vraag 1", "Vraag 2"]
    page = browser.get(f"/training/manage/{course.id}/quiz").text
    assert page.index("Vraag 3") < page.index("Vraag 1") < page.index("Vraag 2")
    assert "De volgorde is bewaard." in page
    moves = db.session.scalars(select(AuditEvent.details).where(AuditEvent.action == "training.question_moved"))
    assert [details["position"] for details in moves] == [2, 2]


def test_an_attempt_keeps_the_order_it_was_asked_in(browser):
    course = make_elearning_course(titles={"nl": "Cursus"}, quiz={"nl": QUIZ["nl"]})
    attempt = make_attempt(make_enrolment(make_user(), course))
    asked = [question["id"] for question in attempt.questions]
    browser.login(make_user(role=PLATFORM_ADMIN).email)
    browser.submit(f"/training/manage/{course.id}/quiz/questions/{_question_id(course, 'Vraag 2')}/move",
                   {"direction": "up"})
    assert _bank(course) == ["Vraag 2", "Vraag 1"]
    db.session.refresh(attempt)
    assert [question["id"] for question in attempt.questions] == asked


def test_company_admin_cannot_move_another_company_question(browser):
    acme, globex = make_company(), make_company()
    course = make_elearning_course(owner=globex, is_global=False, quiz={"nl": QUIZ["nl"]})
    browser.login(make_user(role=COMPANY_ADMIN, company=acme).email)
    response = browser.submit(
        f"/training/manage/{course.id}/quiz/questions/{_question_id(course, 'Vraag 2')}/move", {"direction": "up"})
    assert response.status_code == 404 and _bank(course) == ["Vraag 1", "Vraag 2"]
