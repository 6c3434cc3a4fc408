"""The company's reminder before a due date: a company admin sets how many days ahead it goes, and the reminders
follow."""

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import select

from oscart.audit.labels import ACTION_LABELS
from oscart.audit.models import AuditEvent
from oscart.companies.models import Company
from oscart.core import local_time
from oscart.core.extensions import db
from oscart.core.security import COMPANY_ADMIN
from oscart.mail.models import OutboxMessage
from tests.factories import make_company, make_course, make_enrolment, make_user

PATH = "/company/rules/reminders"


@pytest.fixture
def acme():
    company = make_company(name="Acme Reminders", reminder_days_before=7)
    admin = make_user(role=COMPANY_ADMIN, company=company, language="en")
    anna = make_user(company=company, language="nl")
    return {"company": company, "admin": admin, "anna": anna, "course": make_course(titles={"nl": "Heftruck"})}


@pytest.fixture
def hr(browser, acme):
    browser.login(acme["admin"].email)
    return browser


def days_of(company):
    return db.session.scalar(select(Company.reminder_days_before).where(Company.id == company.id))


def due_in(days):
    return datetime.combine(local_time.today() + timedelta(days=days), time(21, 59), tzinfo=UTC)


def test_the_admin_sets_the_days_and_the_change_is_recorded(hr, acme):
    assert 'value="7"' in hr.get(PATH).text
    response = hr.submit(PATH, {"days": "14"}, form_page=PATH)
    assert response.status_code == 302 and response.headers["Location"].endswith("/company/rules/")
    assert days_of(acme["company"]) == 14
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "company.reminder_days"))
    assert event.details == {"before": 7, "after": 14} and event.company_id == acme["company"].id
    assert "company.reminder_days" in ACTION_LABELS
    page = hr.get("/company/rules/").text
    assert "The reminder setting of your company has been saved." in page
    assert "a reminder 14 days before its due date" in page
    assert "Reminder 14 days before the due date." in hr.get("/company/").text


def test_zero_turns_the_reminder_before_the_due_date_off(hr, acme):
    hr.submit(PATH, {"days": "0"}, form_page=PATH)
    assert days_of(acme["company"]) == 0
    assert "No reminder before the due date." in hr.get("/company/").text


@pytest.mark.parametrize("value", ["-1", "61", "many", ""])
def test_a_value_out_of_range_is_refused_and_changes_nothing(hr, acme, value):
    response = hr.submit(PATH, {"days": value}, form_page=PATH)
    assert response.status_code == 200 and 'aria-invalid="true"' in response.text
    assert days_of(acme["company"]) == 7
    assert db.session.scalar(select(AuditEvent.id).where(AuditEvent.action == "company.reminder_days")) is None


@pytest.mark.parametrize(("language", "text"), [
    ("nl", "Geef een aantal dagen van 0 tot 60."), ("fr", "Indiquez un nombre de jours de 0 à 60."),
    ("de", "Geben Sie eine Anzahl Tage von 0 bis 60 ein."), ("en", "Enter a number of days from 0 to 60.")])
def test_the_error_is_in_the_admins_language(hr, acme, language, text):
    acme["admin"].language = language
    db.session.commit()
    assert text in hr.submit(PATH, {"days": "90"}, form_page=PATH).text


def test_the_reminders_go_as_many_days_ahead_as_set(hr, acme, runner):
    make_enrolment(acme["anna"], acme["course"], due_at=due_in(10))
    runner.invoke(args=["send-reminders"])
    due_soon = select(OutboxMessage.id).where(OutboxMessage.template == "assignment_due_soon")
    assert db.session.scalars(due_soon).all() == []
    hr.submit(PATH, {"days": "10"}, form_page=PATH)
    result = runner.invoke(args=["send-reminders"])
    assert result.exit_code == 0, result.output
    mails = db.session.scalars(select(OutboxMessage).where(OutboxMessage.template == "assignment_due_soon")).all()
    assert [mail.recipient for mail in mails] == [acme["anna"].email]


def test_another_company_keeps_its_own_setting(hr, acme):
    other = make_company(name="Other Reminders", reminder_days_before=3)
    hr.submit(PATH, {"days": "20"}, form_page=PATH)
    assert days_of(other) == 3
