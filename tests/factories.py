"""Factories: build rows with sensible defaults; keyword arguments override them."""

import itertools

from oscart.accounts.models import User
from oscart.companies.models import Company
from oscart.extensions import db
from oscart.security import TRAINEE, hash_password

PASSWORD = "correct horse battery"
_seq = itertools.count(1)


def make_company(**fields):
    n = next(_seq)
    company = Company(**{"name": f"Company {n}", "default_language": "nl", **fields})
    db.session.add(company)
    db.session.commit()
    return company


def make_user(role=TRAINEE, company=None, password=PASSWORD, **fields):
    n = next(_seq)
    user = User(
        **{
            "email": f"user{n}@example.com",
            "first_name": f"First{n}",
            "last_name": f"Last{n}",
            "language": "nl",
            "role": role,
            "company_id": company.id if company is not None else None,
            "password_hash": hash_password(password) if password else None,
            **fields,
        }
    )
    db.session.add(user)
    db.session.commit()
    return user


# --- Certificates -----------------------------------------------------------------------------------

def make_course(code=None, *, titles=None, format="elearning", hours="4", validity_months=None, **fields):
    from decimal import Decimal

    from oscart.training.models import PUBLISHED, Course, CourseTranslation

    n = next(_seq)
    course = Course(code=code or f"C{n}", format=format, duration_hours=Decimal(hours), validity_months=validity_months,
                    status=PUBLISHED, **fields)
    db.session.add(course)
    db.session.flush()
    for language, title in (titles or {"nl": f"Cursus {n}", "fr": f"Cours {n}", "de": f"Kurs {n}",
                                       "en": f"Course {n}"}).items():
        db.session.add(CourseTranslation(course_id=course.id, language=language, title=title))
    db.session.commit()
    return course


def make_enrolment(user, course, **fields):
    from oscart.training.models import Enrolment

    enrolment = Enrolment(user_id=user.id, course_id=course.id, **fields)
    db.session.add(enrolment)
    db.session.commit()
    return enrolment


def make_certificate(user, course=None, *, session=None, completed_at=None, **course_fields):
    """Complete an enrolment of ``user`` (the real path: the completion signal issues the certificate)."""
    from sqlalchemy import select

    from oscart.certificates.models import Certificate
    from oscart.training.completion import complete_enrolment

    course = course or make_course(**course_fields)
    enrolment = make_enrolment(user, course)
    complete_enrolment(enrolment, actor=user, session=session, now=completed_at)
    db.session.commit()
    return db.session.scalar(select(Certificate).where(Certificate.enrolment_id == enrolment.id))
