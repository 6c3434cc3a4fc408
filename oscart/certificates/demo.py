"""Demo certificates in every state, for both demo companies (idempotent)."""

from datetime import datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

from flask import current_app
from sqlalchemy import select

from oscart.certificates import dates, issuing, signing
from oscart.certificates.models import Certificate
from oscart.core import local_time
from oscart.core.database import utcnow
from oscart.core.extensions import db
from oscart.training.completion import complete_enrolment
from oscart.training.models import CLASSROOM, ELEARNING, PUBLISHED, Course, CourseTranslation, Enrolment

COURSES = {
    "SAFE-HEIGHT": {
        "format": CLASSROOM, "hours": Decimal("7.5"), "validity": 36,
        "titles": {"nl": "Veilig werken op hoogte", "fr": "Travailler en hauteur en toute sécurité",
                   "de": "Sicheres Arbeiten in der Höhe", "en": "Working safely at height"},
    },
    "FIRST-AID": {
        "format": ELEARNING, "hours": Decimal("4"), "validity": 24,
        "titles": {"nl": "Eerste hulp op de werkvloer", "fr": "Premiers secours au travail",
                   "de": "Erste Hilfe am Arbeitsplatz", "en": "First aid at work"},
    },
}

# (trainee, course, days ago completed or a function of the validity, what happens afterwards)
CERTIFICATES = (
    ("anna@acme.example", "SAFE-HEIGHT", lambda today: dates.add_months(today, -36) + timedelta(days=20), None),
    ("pieter@acme.example", "FIRST-AID", lambda today: today - timedelta(days=800), None),
    ("sofie@acme.example", "FIRST-AID", lambda today: today - timedelta(days=60), None),
    ("bruno@globex.example", "FIRST-AID", lambda today: today - timedelta(days=90), "reissue"),
    ("claire@globex.example", "SAFE-HEIGHT", lambda today: today - timedelta(days=120), "revoke"),
    ("jonas@globex.example", "SAFE-HEIGHT", lambda today: today - timedelta(days=30), None),
)


def seed(demo):
    courses = {code: _get_or_create_course(code, data) for code, data in COURSES.items()}
    db.session.flush()
    admin = demo.users.get("admin@oscart.example")
    trainer = demo.users.get("trainer@oscart.example")
    today = local_time.today()
    for email, code, completed, afterwards in CERTIFICATES:
        course = courses[code]
        completed_on = completed(today)
        enrolment = _completed_enrolment(demo.user(email), course, completed_on, trainer)
        certificate = db.session.scalar(select(Certificate).where(
            Certificate.enrolment_id == enrolment.id, Certificate.reissue_of_id.is_(None)))
        if certificate is None:
            continue
        if afterwards == "reissue" and certificate.superseded_at is None:
            issuing.reissue_certificate(certificate, actor=admin, reason="Spelling of the name corrected.")
        if afterwards == "revoke" and certificate.revoked_at is None:
            issuing.revoke_certificate(certificate, actor=admin, reason="Issued to the wrong person.")
    db.session.flush()


def prepare():
    """Create the self-signed demo signer when the configuration points at it (development)."""
    cfg = current_app.config
    folder = Path(cfg["CERTIFICATE_DEMO_SIGNER_DIR"])
    if cfg.get("CERTIFICATE_SIGNING_CERT") == str(folder / "signer-cert.pem"):
        signing.create_demo_signer(folder)


def _get_or_create_course(code, data):
    course = db.session.scalar(select(Course).where(Course.code == code))
    if course is not None:
        return course
    course = Course(code=code, format=data["format"], duration_hours=data["hours"], validity_months=data["validity"],
                    status=PUBLISHED, default_language="nl", is_global=True, published_at=utcnow())
    db.session.add(course)
    db.session.flush()
    for language, title in data["titles"].items():
        db.session.add(CourseTranslation(course_id=course.id, language=language, title=title))
    return course


def _completed_enrolment(user, course, completed_on, trainer):
    enrolment = db.session.scalar(select(Enrolment).where(Enrolment.user_id == user.id,
                                                          Enrolment.course_id == course.id))
    if enrolment is not None:
        return enrolment
    completed_at = datetime.combine(completed_on, time(16, 0), tzinfo=local_time.BRUSSELS)
    enrolment = Enrolment(user_id=user.id, course_id=course.id, enrolled_at=completed_at - timedelta(days=14))
    db.session.add(enrolment)
    db.session.flush()
    session = None
    if course.format == CLASSROOM:
        session = SimpleNamespace(id=None, place="Oscart Campus, Antwerpen", trainer=trainer,
                                  starts_at=completed_at - timedelta(hours=8), ends_at=completed_at)
    complete_enrolment(enrolment, actor=None, session=session, now=completed_at)
    return enrolment
