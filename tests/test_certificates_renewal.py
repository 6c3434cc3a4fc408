"""Expiry: reminder mails once per certificate, and assigning the refresher course."""

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from oscart.certificates import dates
from oscart.certificates.models import Certificate
from oscart.core import local_time
from oscart.core.extensions import db
from oscart.core.security import COMPANY_ADMIN
from oscart.mail.models import OutboxMessage
from oscart.training.completion import complete_enrolment
from oscart.training.models import COMPLETED, IN_PROGRESS, Enrolment
from tests.factories import make_certificate, make_company, make_course, make_user

REMINDER = OutboxMessage.template.in_(["certificate_expiring", "certificates_expiring_company"])


def completed_days_ago(days, validity_months=12):
    """Completion date that makes a certificate of ``validity_months`` expire ``days`` from today."""
    expires = local_time.today() + timedelta(days=days)
    completed = dates.add_months(expires, -validity_months)
    return datetime.combine(completed, time(12), tzinfo=UTC)


@pytest.fixture
def acme():
    company = make_company(name="Acme")
    return {
        "company": company,
        "hr": make_user(role=COMPANY_ADMIN, company=company, language="fr", first_name="Henri"),
        "anna": make_user(company=company, first_name="Anna", last_name="Jansen", language="nl"),
        "course": make_course(titles={"nl": "Eerste hulp", "fr": "Premiers secours"}, validity_months=12),
    }


def test_reminders_go_to_holder_and_company_admin_once(runner, acme):
    soon = make_certificate(acme["anna"], acme["course"], completed_at=completed_days_ago(10))
    make_certificate(make_user(company=acme["company"]), make_course(validity_months=12),
                     completed_at=completed_days_ago(90))
    result = runner.invoke(args=["certificates", "remind", "--days", "30"])
    assert result.exit_code == 0, result.output
    assert "1 certificate" in result.output
    queued = {message.recipient: message for message in db.session.scalars(select(OutboxMessage).where(REMINDER))}
    assert sorted(queued) == sorted([acme["anna"].email, acme["hr"].email])
    holder_mail = queued[acme["anna"].email]
    assert holder_mail.subject == "Uw certificaat verloopt binnenkort"
    assert "Eerste hulp" in holder_mail.body_text and "/certificates/" in holder_mail.body_text
    admin_mail = queued[acme["hr"].email]
    assert admin_mail.subject == "Des certificats de vos collaborateurs expirent bientôt"
    assert "Anna Jansen" in admin_mail.body_text and "status=expiring" in admin_mail.body_text
    assert db.session.get(Certificate, soon.id).reminder_sent_at is not None

    again = runner.invoke(args=["certificates", "remind", "--days", "30"])
    assert "0 certificate" in again.output
    assert db.session.scalar(select(func.count(OutboxMessage.id)).where(REMINDER)) == 2


def test_revoked_and_other_companies_get_no_reminder(runner, acme):
    from oscart.certificates import issuing

    revoked = make_certificate(acme["anna"], acme["course"], completed_at=completed_days_ago(5))
    issuing.revoke_certificate(revoked, actor=acme["hr"], reason="wrong")
    db.session.commit()
    other = make_company()
    make_user(role=COMPANY_ADMIN, company=other)
    runner.invoke(args=["certificates", "remind"])
    assert db.session.scalar(select(func.count(OutboxMessage.id)).where(REMINDER)) == 0


def test_company_admin_assigns_refresher_to_expiring_certificate(browser, acme):
    certificate = make_certificate(acme["anna"], acme["course"], completed_at=completed_days_ago(10))
    browser.login(acme["hr"].email)
    due = local_time.today() + timedelta(days=9)
    response = browser.submit(f"/certificates/company/{certificate.id}/refresher", {"due_on": due.isoformat()},
                              form_page="/certificates/company")
    assert response.status_code == 302
    enrolment = db.session.scalar(select(Enrolment).where(Enrolment.user_id == acme["anna"].id))
    assert enrolment.status == IN_PROGRESS and enrolment.assigned_by_id == acme["hr"].id
    assert local_time.local_date(enrolment.due_at) == due
    assert "Recyclage pour le" in browser.get("/certificates/company").text


def test_completing_the_refresher_issues_a_new_certificate(browser, acme):
    old = make_certificate(acme["anna"], acme["course"], completed_at=completed_days_ago(10))
    browser.login(acme["hr"].email)
    browser.submit(f"/certificates/company/{old.id}/refresher",
                   {"due_on": (local_time.today() + timedelta(days=5)).isoformat()}, form_page="/certificates/company")
    enrolment = db.session.scalar(select(Enrolment).where(Enrolment.user_id == acme["anna"].id))
    assert complete_enrolment(enrolment, actor=acme["anna"]) is True
    db.session.commit()
    assert enrolment.status == COMPLETED
    codes = db.session.scalars(select(Certificate.code).where(Certificate.user_id == acme["anna"].id)).all()
    assert len(codes) == 2 and old.code in codes


def test_a_refresher_completed_on_the_day_of_the_last_completion_keeps_that_certificate(browser, acme):
    old = make_certificate(acme["anna"], acme["course"])  # completed today
    browser.login(acme["hr"].email)
    browser.submit(f"/certificates/company/{old.id}/refresher",
                   {"due_on": (local_time.today() + timedelta(days=5)).isoformat()}, form_page="/certificates/company")
    enrolment = db.session.scalar(select(Enrolment).where(Enrolment.user_id == acme["anna"].id))
    assert complete_enrolment(enrolment, actor=acme["anna"]) is True
    db.session.commit()
    codes = db.session.scalars(select(Certificate.code).where(Certificate.user_id == acme["anna"].id)).all()
    assert codes == [old.code]  # one current certificate per person, course and completion day


def test_refresher_for_foreign_certificate_is_not_found(browser, acme):
    other = make_certificate(make_user(company=make_company()), acme["course"], completed_at=completed_days_ago(10))
    browser.login(acme["hr"].email)
    response = browser.submit(f"/certificates/company/{other.id}/refresher",
                              {"due_on": local_time.today().isoformat()}, form_page="/certificates/company")
    assert response.status_code == 404
    assert db.session.scalar(select(func.count(Enrolment.id)).where(Enrolment.status == IN_PROGRESS)) == 0


def test_refresher_due_date_cannot_be_in_the_past(browser, acme):
    certificate = make_certificate(acme["anna"], acme["course"], completed_at=completed_days_ago(10))
    browser.login(acme["hr"].email)
    browser.submit(f"/certificates/company/{certificate.id}/refresher",
                   {"due_on": (local_time.today() - timedelta(days=1)).isoformat()}, form_page="/certificates/company")
    enrolment = db.session.scalar(select(Enrolment).where(Enrolment.user_id == acme["anna"].id))
    assert enrolment.status == COMPLETED


@pytest.mark.parametrize("flag", ["is_restricted", "is_anonymised"])
def test_restricted_or_erased_people_get_no_reminder(runner, acme, flag):
    make_certificate(acme["anna"], acme["course"], completed_at=completed_days_ago(10))
    other_hr = make_user(role=COMPANY_ADMIN, company=acme["company"])
    setattr(acme["anna"], flag, True)
    setattr(acme["hr"], flag, True)
    db.session.commit()
    result = runner.invoke(args=["certificates", "remind", "--days", "30"])
    assert "1 certificate" in result.output
    assert list(db.session.scalars(select(OutboxMessage.recipient).where(REMINDER))) == [other_hr.email]
