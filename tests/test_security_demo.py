from sqlalchemy import func, select

from oscart.audit.models import AuditEvent
from oscart.companies.models import Company
from oscart.core.extensions import db


def test_seed_demo_prints_the_two_step_secret_and_is_idempotent(runner):
    first = runner.invoke(args=["seed-demo"])
    assert "sofie@acme.example" in first.output and "authenticator app:" in first.output
    events = db.session.scalar(select(func.count(AuditEvent.id)))
    second = runner.invoke(args=["seed-demo"])
    assert first.output.splitlines()[-1] == second.output.splitlines()[-1]
    assert db.session.scalar(select(func.count(AuditEvent.id))) == events >= 15
    assert db.session.scalar(select(Company.two_step_policy).where(Company.name == "Globex Foods")) == "admins"
    assert runner.invoke(args=["audit", "verify"]).exit_code == 0
