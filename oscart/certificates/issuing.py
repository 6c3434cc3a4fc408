"""Issuing certificates: automatically on completion, by hand, and again (re-issue); revoking.

The PDF is rendered before the row exists and inserted with it in one statement, so a certificate never
exists without its PDF. ``issue_key`` is unique: completing twice, two requests at once or a retry after a
crash find the certificate already issued instead of creating another.
"""

import hashlib
from datetime import UTC

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import load_only

from oscart.accounts.models import User
from oscart.audit.services import record_event
from oscart.certificates import dates
from oscart.certificates.codes import new_code
from oscart.certificates.facts import course_title, facts_for_enrolment, session_facts
from oscart.certificates.models import AUTOMATIC, MANUAL, REISSUE, Certificate
from oscart.certificates.notices import mail_issued
from oscart.certificates.rendering import PrintedFacts, render_certificate
from oscart.core import local_time
from oscart.core.database import utcnow
from oscart.core.exceptions import RuleViolation
from oscart.core.extensions import db
from oscart.core.locking import lock
from oscart.core.signals import course_completed
from oscart.training.models import Course, Enrolment

MAX_REASON = 500
MAX_PLACE = 200


@course_completed.connect
def _on_course_completed(enrolment, *, actor=None, session=None, **extra):
    issue_for_enrolment(enrolment, actor=actor, session=session)


def issue_for_enrolment(enrolment, *, actor=None, session=None):
    """The certificate for this round of the enrolment, issued now unless it already exists."""
    # One certificate per round of the enrolment: a refresher restarts the round (renewal.assign_refresher).
    key = f"enrolment:{enrolment.id}:{enrolment.enrolled_at.astimezone(UTC):%Y%m%dT%H%M%S%f}"
    existing = _by_key(key)
    if existing is not None:
        return existing
    user = db.session.get(User, enrolment.user_id)
    course = db.session.get(Course, enrolment.course_id)
    facts = facts_for_enrolment(enrolment, user, course, session_facts(session), code=new_code())
    same_cycle = _current_on(user.id, course.id, facts.completed_on)
    if same_cycle is not None:
        return same_cycle  # a refresher completed on the day of the last completion: that certificate stands
    return _insert(facts, key=key, origin=AUTOMATIC, user=user, course=course, enrolment=enrolment,
                   session_id=getattr(session, "id", None), actor=actor, action="certificate.issued")


def issue_manually(user, course, *, actor, completed_on, reason, place=None, trainer_name=None, started_on=None):
    """A platform admin issues a certificate for training followed outside the portal (audited, with reason)."""
    reason = _required_text(reason, "reason", MAX_REASON)
    lock(user)  # one current certificate, also when two admins issue it at the same moment
    if _current_for(user.id, course.id) is not None:
        raise RuleViolation(_("This person already holds a current certificate for this course. "
                              "Re-issue that one instead."), "course")
    if started_on and started_on > completed_on:
        raise RuleViolation(_("The first day cannot be after the last day."), "started_on")
    facts = PrintedFacts(
        code=new_code(), language=user.language, holder_name=user.full_name,
        course_title=course_title(course, user.language), hours=course.duration_hours,
        completed_on=completed_on, started_on=started_on,
        place=_optional_text(place, "place", MAX_PLACE), trainer_name=_optional_text(trainer_name, "trainer_name", 201),
        valid_until=dates.valid_until(completed_on, course.validity_months), issued_on=local_time.today(),
    )
    enrolment = db.session.scalar(select(Enrolment).where(Enrolment.user_id == user.id,
                                                          Enrolment.course_id == course.id))
    key = f"manual:{user.id}:{course.id}:{completed_on.isoformat()}"
    if _by_key(key) is not None:
        raise RuleViolation(_("A certificate for this course and date was already issued by hand."), "completed_on")
    return _insert(facts, key=key, origin=MANUAL, user=user, course=course, enrolment=enrolment,
                   actor=actor, action="certificate.issued_manually", reason=reason)


def reissue_certificate(old, *, actor, reason):
    """A new certificate with the holder's current name and the course's current title; the old one is superseded."""
    reason = _required_text(reason, "reason", MAX_REASON)
    lock(old)
    if old.revoked_at is not None or old.superseded_at is not None:
        raise RuleViolation(_("Only a current certificate can be re-issued."), "reason")
    user = db.session.get(User, old.user_id)
    course = db.session.get(Course, old.course_id)
    facts = PrintedFacts(
        code=new_code(), language=user.language, holder_name=user.full_name,
        course_title=course_title(course, user.language), hours=old.hours, completed_on=old.completed_on,
        started_on=old.started_on, place=old.place, trainer_name=old.trainer_name, valid_until=old.valid_until,
        issued_on=local_time.today(),
    )
    enrolment = db.session.get(Enrolment, old.enrolment_id) if old.enrolment_id else None
    old.superseded_at = utcnow()  # first: one current certificate per person, course and cycle (the schema's rule)
    db.session.flush()
    new = _insert(facts, key=f"reissue:{old.id}", origin=REISSUE, user=user, course=course, enrolment=enrolment,
                  session_id=old.session_id, actor=actor, action="certificate.reissued", reason=reason,
                  reissue_of=old, replaces=old.code)
    old.superseded_at = new.issued_at
    return new


def revoke_certificate(certificate, *, actor, reason):
    reason = _required_text(reason, "reason", MAX_REASON)
    lock(certificate)
    if certificate.revoked_at is not None:
        raise RuleViolation(_("This certificate has already been revoked."), "reason")
    certificate.revoked_at = utcnow()
    certificate.revoked_reason = reason
    certificate.revoked_by_id = actor.id if actor is not None else None
    record_event("certificate.revoked", actor=actor, subject=db.session.get(User, certificate.user_id),
                 company_id=certificate.company_id, target=f"certificate:{certificate.id}",
                 code=certificate.code, reason=reason)
    return certificate


def _insert(facts, *, key, origin, user, course, enrolment, actor, action, session_id=None, reissue_of=None,
            **details):
    pdf, is_signed = render_certificate(facts)
    certificate = Certificate(
        code=facts.code, issue_key=key, origin=origin, user_id=user.id, company_id=user.company_id,
        course_id=course.id, enrolment_id=enrolment.id if enrolment is not None else None, session_id=session_id,
        reissue_of_id=reissue_of.id if reissue_of is not None else None,
        issued_by_id=actor.id if actor is not None else None, language=facts.language,
        holder_name=facts.holder_name, course_title=facts.course_title, hours=facts.hours, place=facts.place,
        trainer_name=facts.trainer_name, started_on=facts.started_on, completed_on=facts.completed_on,
        valid_until=facts.valid_until, issued_at=utcnow(), pdf=pdf, pdf_sha256=hashlib.sha256(pdf).hexdigest(),
        pdf_size=len(pdf), is_signed=is_signed,
    )
    try:
        with db.session.begin_nested():
            db.session.add(certificate)
    except IntegrityError:
        # Someone issued it at the same moment: theirs counts, ours was never stored.
        existing = _by_key(key)
        if existing is None:
            raise
        return existing
    record_event(action, actor=actor, subject=user, company_id=user.company_id,
                 target=f"certificate:{certificate.id}", code=certificate.code, course_id=course.id, **details)
    mail_issued(certificate, user, replaces=details.get("replaces"))
    return certificate


def _by_key(key):
    return db.session.scalar(select(Certificate).options(load_only(Certificate.id, Certificate.code,
                                                                   Certificate.issue_key))
                             .where(Certificate.issue_key == key))


def _current_on(user_id, course_id, completed_on):
    return db.session.scalar(select(Certificate).options(load_only(Certificate.id, Certificate.code,
                                                                   Certificate.issue_key)).where(
        Certificate.user_id == user_id, Certificate.course_id == course_id, Certificate.completed_on == completed_on,
        Certificate.revoked_at.is_(None), Certificate.superseded_at.is_(None)))


def _current_for(user_id, course_id):
    return db.session.scalar(select(Certificate.id).where(
        Certificate.user_id == user_id, Certificate.course_id == course_id,
        Certificate.revoked_at.is_(None), Certificate.superseded_at.is_(None)).limit(1))


def _required_text(value, field, limit):
    value = (value or "").strip()
    if not value:
        raise RuleViolation(_("Please give a reason."), field)
    if len(value) > limit:
        raise RuleViolation(ngettext("Please keep this under %(num)s character.",
                                     "Please keep this under %(num)s characters.", limit), field)
    return value


def _optional_text(value, field, limit):
    value = (value or "").strip()
    if len(value) > limit:
        raise RuleViolation(ngettext("Please keep this under %(num)s character.",
                                     "Please keep this under %(num)s characters.", limit), field)
    return value or None
