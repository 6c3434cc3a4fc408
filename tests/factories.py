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


# --- Account security (two-step login, audit) ----------------------------------------------------------

def enable_two_step(user, *, codes=False):
    """Switch two-step login on for ``user`` directly; return its secret (and recovery codes if asked)."""
    from datetime import timedelta

    from oscart.auth import twostep
    from oscart.database import utcnow

    secret = twostep.begin_enrolment(user)
    earlier = utcnow() - timedelta(minutes=5)  # confirm with an old code, so current codes stay unused
    recovery = twostep.confirm_enrolment(user, pyotp_code(secret, earlier), now=earlier)
    db.session.commit()
    return (secret, recovery) if codes else secret


def pyotp_code(secret, when=None):
    import pyotp

    totp = pyotp.TOTP(secret)
    return totp.at(when) if when is not None else totp.now()


# --- Privacy -----------------------------------------------------------------------------------------


def give_consent(user, purpose, granted=True, ip="198.51.100.1"):
    from oscart.privacy.consents import record_consent

    consent = record_consent(user, purpose, granted, actor=user, ip=ip)
    db.session.commit()
    return consent


def make_privacy_course(code=None, title="First aid", **fields):
    from oscart.training.models import PUBLISHED, Course, CourseTranslation

    n = next(_seq)
    course = Course(code=code or f"C{n}", status=PUBLISHED, **fields)
    db.session.add(course)
    db.session.flush()
    db.session.add(CourseTranslation(course_id=course.id, language="nl", title=title))
    db.session.commit()
    return course
