from sqlalchemy import func, select

from oscart.classroom.models import Attendance, Registration, TrainingSession
from oscart.core.demo import seed_demo
from oscart.core.extensions import db
from oscart.training.models import COMPLETED, Course, Enrolment


def test_demo_is_idempotent_and_covers_every_status(app):
    with app.test_request_context():
        seed_demo()
        db.session.commit()
        seed_demo()
        db.session.commit()
    assert db.session.scalar(select(func.count(TrainingSession.id))) == 4
    statuses = set(db.session.scalars(select(Attendance.status)))
    assert statuses == {"present", "late", "left_early", "excused", "absent"}
    assert db.session.scalar(select(func.count(Registration.id)).where(Registration.status == "waitlisted")) == 2
    assert db.session.scalar(select(func.count(TrainingSession.id)).where(TrainingSession.company_id.isnot(None))) == 1
    completed_through_attendance = (select(func.count(Enrolment.id)).join(Course, Course.id == Enrolment.course_id)
                                    .where(Enrolment.status == COMPLETED, Course.format != "elearning",
                                           Course.code.in_(("VCA-BASIS", "EHBO-BLENDED"))))
    assert db.session.scalar(completed_through_attendance) == 3
