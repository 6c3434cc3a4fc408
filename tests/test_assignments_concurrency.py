"""Reminders started in several processes at the same moment still go out once each."""

from datetime import timedelta
from functools import partial

from sqlalchemy import select

from oscart.core.database import utcnow
from oscart.core.extensions import db
from oscart.core.security import COMPANY_ADMIN
from oscart.mail.models import OutboxMessage
from tests.factories import make_company, make_course, make_enrolment, make_user
from tests.test_concurrency import simultaneously


def test_reminders_started_in_several_processes_at_once_go_out_once(app):
    company = make_company()
    make_user(role=COMPANY_ADMIN, company=company)
    manager = make_user(company=company)
    anna = make_user(company=company, manager_id=manager.id)
    make_enrolment(anna, make_course(), due_at=utcnow() - timedelta(days=5))
    make_enrolment(anna, make_course(), due_at=utcnow() + timedelta(days=2))
    runners = [app.test_cli_runner() for _ in range(4)]
    results = simultaneously([partial(runner.invoke, args=["send-reminders"]) for runner in runners])
    assert [result.exit_code for result in results] == [0] * 4, [result.output for result in results]
    db.session.expire_all()
    assert sorted(db.session.scalars(select(OutboxMessage.template))) == [
        "assignment_due_soon", "assignment_overdue", "assignment_overdue_manager", "company_digest"]
