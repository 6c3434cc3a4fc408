"""Retention: the purge applies the configured periods; a dry run counts the same; twice changes nothing."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from oscart.accounts.models import User
from oscart.audit.models import AuditEvent
from oscart.audit.services import current_ip, record_event
from oscart.audit.verification import verify_chain
from oscart.auth.models import UserSession
from oscart.core.database import utcnow
from oscart.core.extensions import db
from oscart.core.security import PLATFORM_ADMIN
from oscart.mail.models import SENT, OutboxMessage
from oscart.mail.services import deliver_pending
from oscart.privacy import policy
from oscart.privacy.models import InactivityWarning
from oscart.privacy.retention import purge
from tests.factories import make_company, make_user


def _days_ago(days):
    return utcnow() - timedelta(days=days)


@pytest.fixture
def old_data():
    user = make_user(company=make_company(), last_login_at=_days_ago(10), last_login_ip="192.0.2.5")
    # Audit events in the order they happened, as the hash chain records them.
    record_event("profile.updated", at=_days_ago(policy.retention_days("audit_events") + 1))
    token = current_ip.set("192.0.2.8")
    record_event("profile.updated", at=_days_ago(policy.retention_days("ip_addresses") + 1), subject=user)
    current_ip.set("192.0.2.9")
    record_event("login.failed", at=_days_ago(policy.retention_days("failed_logins") + 1), target="typo@x.example")
    record_event("login.failed", at=_days_ago(1))
    current_ip.reset(token)
    db.session.add_all([
        UserSession(user_id=user.id, token_hash="a" * 64, expires_at=_days_ago(300),
                    last_seen_at=_days_ago(policy.retention_days("ip_addresses") + 1), ip="192.0.2.7", user_agent="UA"),
        OutboxMessage(user_id=user.id, recipient=user.email, template="t", language="nl", subject="Old",
                      body_text="old body", status=SENT, sent_at=_days_ago(policy.retention_days("mail_bodies") + 1)),
        OutboxMessage(user_id=user.id, recipient=user.email, template="t", language="nl", subject="New",
                      body_text="new body", status=SENT, sent_at=_days_ago(1)),
    ])
    db.session.commit()
    return user


def _counts(steps):
    return {step.key: step.count for step in steps}


def test_dry_run_counts_what_the_run_changes(old_data):
    planned = _counts(purge(now=utcnow(), dry_run=True))
    db.session.rollback()
    assert planned["failed_logins"] == 1 and planned["audit_events"] == 1 and planned["mail_bodies"] == 1
    assert planned["ip_addresses"] == 2  # one audit event, one session
    assert db.session.scalar(select(func.count(AuditEvent.id))) == 4  # nothing changed
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.redacted_at.is_not(None))) == 0
    done = _counts(purge(now=utcnow(), dry_run=False))
    db.session.commit()
    assert done == planned


def test_run_applies_the_periods(old_data):
    purge(now=utcnow(), dry_run=False)
    db.session.commit()
    events = db.session.execute(select(AuditEvent.action, AuditEvent.ip, AuditEvent.target)
                                .where(AuditEvent.action != "audit.redacted").order_by(AuditEvent.seq)).all()
    assert [tuple(e) for e in events if e.action != "audit.purged"] == [
        ("profile.updated", None, None),  # its IP is past the IP period
        ("login.failed", None, None),  # past the failed-login period: address typed and IP removed
        ("login.failed", "192.0.2.9", None),  # recent
    ]  # the event past the audit period is gone
    assert verify_chain()[1] == []  # redaction and purge keep the chain verifiable
    assert db.session.scalar(select(UserSession.ip)) is None
    bodies = dict(db.session.execute(select(OutboxMessage.subject, OutboxMessage.body_text)).all())
    assert bodies == {"Old": "", "New": "new body"}
    assert db.session.get(User, old_data.id).last_login_ip == "192.0.2.5"  # recent login keeps its IP


def test_purging_twice_changes_nothing_more_and_says_so(runner, old_data):
    first = runner.invoke(args=["privacy", "purge"])
    assert "Purged" in first.output
    second = runner.invoke(args=["privacy", "purge"])
    assert "Nothing to purge" in second.output


def test_cli_dry_run_changes_nothing(runner, old_data):
    result = runner.invoke(args=["privacy", "purge", "--dry-run"])
    assert "Dry run" in result.output
    assert db.session.scalar(select(func.count(AuditEvent.id))) == 4


def test_inactive_accounts_are_warned_then_anonymised(outbox):
    period = policy.retention_days("inactive_accounts")
    sleeper = make_user(company=make_company(), last_login_at=_days_ago(period - 10), language="fr")
    returning = make_user(company=make_company(), last_login_at=_days_ago(period - 10))
    make_user(role=PLATFORM_ADMIN, last_login_at=_days_ago(period + 10))
    make_user(company=make_company(), last_login_at=_days_ago(5))
    planned = _counts(purge(now=utcnow(), dry_run=True))
    steps = _counts(purge(now=utcnow(), dry_run=False))
    db.session.commit()
    assert steps["inactive_warned"] == 2 and steps["inactive_accounts"] == 0
    assert planned == steps
    deliver_pending()
    assert {m["To"] for m in outbox} == {sleeper.email, returning.email}
    assert db.session.scalar(select(func.count(InactivityWarning.id))) == 2
    returning.last_login_at = utcnow()
    db.session.commit()
    later = utcnow() + timedelta(days=policy.INACTIVE_WARNING_DAYS + 1)
    planned = _counts(purge(now=later, dry_run=True))
    steps = _counts(purge(now=later, dry_run=False))
    db.session.commit()
    assert steps["inactive_accounts"] == 1
    assert planned["inactive_accounts"] == 1 and planned["inactive_warned"] == steps["inactive_warned"]
    assert db.session.get(User, sleeper.id).is_anonymised
    assert not db.session.get(User, returning.id).is_anonymised


def test_admin_page_shows_the_next_purge(browser, old_data):
    admin = make_user(role=PLATFORM_ADMIN, language="en")
    browser.login(admin.email)
    page = browser.get("/admin/privacy/retention").text
    assert "Records of failed logins" in page
    assert db.session.scalar(select(func.count(AuditEvent.id))) >= 4  # only counted


def test_anonymised_training_records_are_deleted_after_their_period():
    from oscart.privacy.erasure import erase_user
    from oscart.training.models import Enrolment
    from tests.factories import make_privacy_course

    erased, kept = make_user(company=make_company()), make_user(company=make_company())
    course = make_privacy_course()
    db.session.add_all([Enrolment(user_id=erased.id, course_id=course.id),
                        Enrolment(user_id=kept.id, course_id=course.id)])
    erase_user(erased, actor=None)
    db.session.commit()
    assert _counts(purge(now=utcnow(), dry_run=True))["anonymised_records"] == 0
    later = utcnow() + policy.retention("anonymised_records").period + timedelta(days=1)
    assert _counts(purge(now=later, dry_run=False))["anonymised_records"] == 1
    db.session.commit()
    assert db.session.scalars(select(Enrolment.user_id)).all() == [kept.id]


def test_anonymised_quiz_attempts_and_attendance_are_deleted_after_their_period():
    from oscart.classroom.models import Attendance, Registration, SessionPart
    from oscart.privacy.erasure import erase_user
    from oscart.training.models import Enrolment
    from oscart.training.quiz_models import Quiz, QuizAttempt
    from tests.factories import make_privacy_course, make_registration, make_training_session, past_parts

    erased = make_user(company=make_company())
    course = make_privacy_course()
    enrolment, quiz = Enrolment(user_id=erased.id, course_id=course.id), Quiz(course_id=course.id)
    db.session.add_all([enrolment, quiz])
    db.session.flush()
    db.session.add(QuizAttempt(enrolment_id=enrolment.id, quiz_id=quiz.id, language="nl", score_percent=50))
    session = make_training_session(parts=past_parts())
    make_registration(session, erased)
    part = db.session.scalar(select(SessionPart))
    db.session.add(Attendance(part_id=part.id, session_id=session.id, part_starts_at=part.starts_at,
                              user_id=erased.id, status="present", minutes=240))
    erase_user(erased, actor=None)
    db.session.commit()
    later = utcnow() + policy.retention("anonymised_records").period + timedelta(days=1)
    # enrolment, quiz attempt, registration, attendance
    assert _counts(purge(now=later, dry_run=True))["anonymised_records"] == 4
    assert _counts(purge(now=later, dry_run=False))["anonymised_records"] == 4
    db.session.commit()
    assert [db.session.scalar(select(func.count()).select_from(model))
            for model in (Enrolment, QuizAttempt, Registration, Attendance)] == [0, 0, 0, 0]
    assert _counts(purge(now=later, dry_run=False))["anonymised_records"] == 0
