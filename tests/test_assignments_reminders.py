"""Follow-up of required training: next rounds, and reminders each sent once to the right people."""

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import select

from oscart.assignments.cycles import start_next_rounds
from oscart.certificates import dates
from oscart.core import local_time
from oscart.core.database import utcnow
from oscart.core.extensions import db
from oscart.core.security import COMPANY_ADMIN
from oscart.mail.models import OutboxMessage
from oscart.training.completion import complete_enrolment
from oscart.training.models import COMPLETED, IN_PROGRESS, Enrolment
from tests.assignments_helpers import add_member, make_group, make_rule
from tests.factories import (
    make_classroom_course,
    make_company,
    make_course,
    make_enrolment,
    make_registration,
    make_training_session,
    make_user,
)


@pytest.fixture
def acme():
    company = make_company(name="Acme", reminder_days_before=7)
    hr = make_user(role=COMPANY_ADMIN, company=company, first_name="Hilde", language="en")
    manager = make_user(company=company, first_name="Marc", language="de")
    anna = make_user(company=company, first_name="Anna", language="fr", manager_id=manager.id)
    return {"company": company, "hr": hr, "manager": manager, "anna": anna,
            "course": make_course(titles={"nl": "Heftruck", "fr": "Chariot élévateur", "de": "Stapler",
                                          "en": "Forklift"})}


def mails(template):
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.template == template)
                              .order_by(OutboxMessage.id)).all()


def due_in(days):
    return datetime.combine(local_time.today() + timedelta(days=days), time(21, 59), tzinfo=UTC)


def run(runner):
    result = runner.invoke(args=["send-reminders"])
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    return result.output


def test_before_the_due_date_the_trainee_is_reminded_once_in_their_language(runner, acme):
    make_enrolment(acme["anna"], acme["course"], due_at=due_in(5))
    run(runner)
    run(runner)
    [mail] = mails("assignment_due_soon")
    assert mail.recipient == acme["anna"].email and mail.language == "fr"
    assert "Chariot élévateur" in mail.body_text and f"/training/courses/{acme['course'].id}" in mail.body_text


def test_no_reminder_further_ahead_than_the_company_setting(runner, acme):
    make_enrolment(acme["anna"], acme["course"], due_at=due_in(9))
    run(runner)
    assert mails("assignment_due_soon") == []


def test_overdue_goes_to_the_trainee_then_a_few_days_later_to_the_manager_once(runner, acme):
    enrolment = make_enrolment(acme["anna"], acme["course"], due_at=due_in(-1))
    run(runner)
    assert [m.recipient for m in mails("assignment_overdue")] == [acme["anna"].email]
    assert mails("assignment_overdue_manager") == []
    enrolment.due_at = due_in(-5)  # a later due date passed long enough ago: a new reminder for each
    db.session.commit()
    run(runner)
    run(runner)
    assert len(mails("assignment_overdue")) == 2
    [escalation] = mails("assignment_overdue_manager")
    assert escalation.recipient == acme["manager"].email and escalation.language == "de"
    assert "Anna" in escalation.body_text and "Stapler" in escalation.body_text


def test_restricted_anonymised_and_deactivated_people_get_no_reminder(runner, acme):
    people = [make_user(company=acme["company"], is_restricted=True, manager_id=acme["manager"].id),
              make_user(company=acme["company"], is_anonymised=True, manager_id=acme["manager"].id),
              make_user(company=acme["company"], is_active=False, deactivated_at=utcnow(),
                        manager_id=acme["manager"].id)]
    for person in people:
        make_enrolment(person, acme["course"], due_at=due_in(-10))
        make_enrolment(person, make_course(), due_at=due_in(2))
    run(runner)
    assert db.session.scalars(select(OutboxMessage)).all() == []


def test_opt_out_keeps_only_the_overdue_reminder(runner, acme):
    acme["anna"].reminders_opt_out = True
    db.session.commit()
    make_enrolment(acme["anna"], acme["course"], due_at=due_in(2))
    make_enrolment(acme["anna"], make_course(), due_at=due_in(-1))
    session = make_training_session(make_classroom_course(), parts=[(due_in(1) - timedelta(hours=8),
                                                                     due_in(1) - timedelta(hours=4))])
    make_registration(session, acme["anna"])
    run(runner)
    sent = db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == acme["anna"].email)).all()
    assert [m.template for m in sent] == ["assignment_overdue"]


def test_the_day_before_a_classroom_session_registered_people_are_reminded_once(runner, acme):
    start = datetime.combine(local_time.today() + timedelta(days=1), time(9), tzinfo=local_time.BRUSSELS)
    session = make_training_session(make_classroom_course(title="Veiligheid"),
                                    parts=[(start, start + timedelta(hours=3))])
    later = make_training_session(make_classroom_course(), parts=[(start + timedelta(days=2),
                                                                   start + timedelta(days=2, hours=3))])
    make_registration(session, acme["anna"])
    make_registration(session, acme["manager"], status="waitlisted", position=1)
    make_registration(later, acme["hr"])
    run(runner)
    run(runner)
    [mail] = mails("session_tomorrow")
    assert mail.recipient == acme["anna"].email
    assert f"/classroom/sessions/{session.id}" in mail.body_text


def test_the_weekly_digest_goes_once_to_company_admins(runner, acme):
    make_enrolment(acme["anna"], acme["course"], due_at=due_in(-3))
    run(runner)
    run(runner)
    [digest] = mails("company_digest")
    assert digest.recipient == acme["hr"].email and digest.language == "en"
    assert "Overdue: 1 required course." in digest.body_text and "Forklift" in digest.body_text


def test_a_rule_that_repeats_reopens_the_course_before_the_period_ends(acme):
    group = make_group(acme["company"])
    add_member(group, acme["anna"])
    make_rule(acme["hr"], acme["course"], group=group, due_within_days=30, repeat_mode="months", repeat_months=12)
    enrolment = db.session.scalar(select(Enrolment).where(Enrolment.user_id == acme["anna"].id))
    complete_enrolment(enrolment, actor=acme["anna"], now=utcnow() - timedelta(days=300))
    db.session.commit()
    assert start_next_rounds() == 0  # a year after completion is more than 30 days away
    enrolment.completed_at = utcnow() - timedelta(days=340)
    db.session.commit()
    assert start_next_rounds() == 1
    db.session.commit()
    assert enrolment.status == IN_PROGRESS and enrolment.progress_percent == 0
    anniversary = dates.add_months(local_time.local_date(utcnow() - timedelta(days=340)), 12)
    assert local_time.local_date(enrolment.due_at) == anniversary
    assert start_next_rounds() == 0


def test_a_rule_renewed_on_expiry_reopens_when_the_certificate_nears_its_end(acme):
    course = make_course(validity_months=12)
    group = make_group(acme["company"])
    add_member(group, acme["anna"])
    make_rule(acme["hr"], course, group=group, due_within_days=30, repeat_mode="expiry")
    enrolment = db.session.scalar(select(Enrolment).where(Enrolment.user_id == acme["anna"].id))
    complete_enrolment(enrolment, actor=acme["anna"], now=utcnow() - timedelta(days=350))
    db.session.commit()
    assert start_next_rounds() == 1
    db.session.commit()
    assert enrolment.status == IN_PROGRESS and enrolment.due_at is not None


def test_completed_courses_get_no_reminder(runner, acme):
    make_enrolment(acme["anna"], acme["course"], due_at=due_in(-2), status=COMPLETED, completed_at=utcnow())
    run(runner)
    assert mails("assignment_overdue") == []


def test_a_person_turns_the_reminders_off_and_on_again(browser, acme):
    browser.login(acme["anna"].email)
    assert browser.submit("/account/reminders/", {}).status_code == 302
    db.session.expire_all()
    assert db.session.get(type(acme["anna"]), acme["anna"].id).reminders_opt_out is True
    browser.submit("/account/reminders/", {"wants_reminders": "y"})
    db.session.expire_all()
    assert db.session.get(type(acme["anna"]), acme["anna"].id).reminders_opt_out is False
