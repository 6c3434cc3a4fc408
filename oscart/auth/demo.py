"""Demo data for account security: a two-step user, Globex's two-step rule, and an audit trail."""

from datetime import timedelta

from sqlalchemy import func, select

from oscart.audit.models import AuditEvent
from oscart.audit.services import current_ip, record_event
from oscart.auth import twostep
from oscart.core.database import utcnow
from oscart.core.extensions import db

TWO_STEP_EMAIL = "sofie@acme.example"


def seed(demo):
    sofie = demo.user(TWO_STEP_EMAIL)
    if not sofie.has_two_step:
        twostep.begin_enrolment(sofie)
        sofie.two_step_enabled_at = utcnow() - timedelta(days=20)
        twostep._new_recovery_codes(sofie)
    demo.companies["Globex Foods"].two_step_policy = "admins"
    db.session.flush()
    company_ids = [c.id for c in demo.companies.values()]
    if not db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.company_id.in_(company_ids))):
        _audit_trail(demo)


def two_step_secret():
    """The demo user's secret, printed by `flask seed-demo` so that two-step login can be tried."""
    from oscart.accounts.models import User

    return db.session.scalar(select(User.two_step_secret).where(User.email == TWO_STEP_EMAIL))


def report(demo):
    """What `flask seed-demo` says about two-step login."""
    lines = []
    secret = two_step_secret()
    if secret:
        lines.append(f"Two-step login is on for {TWO_STEP_EMAIL}: add this key to an authenticator app: {secret}")
    for user in demo.users.values():
        if twostep.is_required(user) and not user.has_two_step:
            lines.append(f"{user.email} sets up two-step login at the first login: it is required for this account.")
    return lines


def _audit_trail(demo):
    now = utcnow().replace(microsecond=0)
    u = demo.user
    admin, hr_acme, hr_globex = u("admin@oscart.example"), u("hr@acme.example"), u("hr@globex.example")
    anna, pieter, sofie = u("anna@acme.example"), u("pieter@acme.example"), u(TWO_STEP_EMAIL)
    bruno, claire = u("bruno@globex.example"), u("claire@globex.example")
    story = [
        (9, "81.82.10.4", "login.succeeded", hr_acme, hr_acme, {"remember": False}),
        (9, "81.82.10.4", "user.role_changed", admin, pieter,
         {"before": {"role": "trainee"}, "after": {"role": "company_admin"}}),
        (8, "81.82.10.4", "user.role_changed", admin, pieter,
         {"before": {"role": "company_admin"}, "after": {"role": "trainee"}}),
        (6, "94.224.3.17", "login.succeeded", anna, anna, {"remember": True}),
        (20, "81.82.10.9", "two_step.enabled", sofie, sofie, {}),
        (5, "81.82.10.9", "login.succeeded", sofie, sofie, {"remember": False}),
        (4, "178.51.90.2", "login.succeeded", bruno, bruno, {"remember": False}),
        (3, "185.12.7.200", "login.failed", None, claire, {"reason": "password", "count": 1}),
        (3, "185.12.7.200", "login.failed", None, claire, {"reason": "password", "count": 2}),
        (3, "185.12.7.200", "login.failed", None, claire, {"reason": "password", "count": 3}),
        (3, "185.12.7.200", "login.failed", None, claire, {"reason": "password", "count": 4}),
        (3, "185.12.7.200", "login.failed", None, claire, {"reason": "password", "count": 5}),
        (3, "185.12.7.200", "login.locked", None, claire, {"minutes": 15}),
        (2, "178.51.90.40", "company.two_step_policy", hr_globex, None,
         {"before": "none", "after": "admins"}),
        (1, "94.224.3.17", "login.failed", None, anna, {"reason": "password", "count": 1}),
        (1, "94.224.3.17", "login.succeeded", anna, anna, {"remember": True}),
    ]
    for index, (days, ip, action, actor, subject, details) in enumerate(sorted(story, key=lambda s: -s[0])):
        token = current_ip.set(ip)
        try:
            company_id = demo.companies["Globex Foods"].id if subject is None else None
            record_event(action, actor=actor, subject=subject, company_id=company_id,
                         at=now - timedelta(days=days, minutes=-index * 7), **details)
        finally:
            current_ip.reset(token)
