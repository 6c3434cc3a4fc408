"""seed-demo shows the training feature at once and can run twice."""

from sqlalchemy import func, select

from oscart.accounts.models import User
from oscart.core.demo import seed_demo
from oscart.core.extensions import db
from oscart.training.models import CompanyNews, Course, CourseTranslation, Enrolment, LessonImage
from oscart.training.quiz_models import Question


def _counts():
    return [db.session.scalar(select(func.count(model.id))) for model in
            (Course, Enrolment, LessonImage, Question, CompanyNews)]


def test_demo_training_data_is_complete_and_idempotent(app):
    demo = seed_demo()
    db.session.commit()
    first = _counts()
    seed_demo()
    db.session.commit()
    assert _counts() == first
    rows = {(row.email, row.code): row for row in db.session.execute(
        select(Enrolment.status, Enrolment.due_at, Enrolment.progress_percent, User.email, Course.code)
        .join(User, User.id == Enrolment.user_id).join(Course, Course.id == Enrolment.course_id)).all()}
    anna = rows[("anna@acme.example", "SAFE-101")]
    assert anna.status == "in_progress" and anna.progress_percent > 0
    assert rows[("sofie@acme.example", "GDPR-100")].status == "completed"
    assert rows[("pieter@acme.example", "GDPR-100")].due_at is not None
    fork = db.session.scalar(select(Course).where(Course.code == "FORK-201"))
    languages = set(db.session.scalars(select(CourseTranslation.language)
                                       .where(CourseTranslation.course_id == fork.id)))
    assert languages == {"nl", "fr"}
    acme_dock = db.session.scalar(select(Course).where(Course.code == "ACME-DOCK"))
    assert acme_dock.owner_company_id == demo.companies["Acme Logistics"].id
    safe = db.session.scalar(select(CourseTranslation).join(Course).where(Course.code == "SAFE-101",
                                                                         CourseTranslation.language == "de"))
    assert safe.description.startswith("Im Lager") and len(safe.objectives.splitlines()) == 3
