"""The weekly digest for company admins: what is overdue, which certificates expire soon, and what was completed
in the last week. One per admin and ISO week, and only when there is something to tell; not essential."""

from collections import namedtuple
from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from oscart.accounts.models import User
from oscart.assignments.claims import claim
from oscart.assignments.coverage import eligible_clause
from oscart.certificates.models import Certificate
from oscart.core import local_time
from oscart.core.extensions import db
from oscart.core.security import COMPANY_ADMIN
from oscart.core.urls import external_url
from oscart.mail.services import mail_user
from oscart.training.models import COMPLETED, Enrolment
from oscart.training.titles import reader_title

LISTED = 10  # the mail lists this many of each; the page behind the link has the rest
EXPIRING_DAYS = 30

Digest = namedtuple("Digest", "overdue overdue_count expiring expiring_count completed_count")


def send_digests(now):
    """Queue this week's digest for every company admin who has not had it; returns how many."""
    admins = db.session.scalars(select(User).where(User.role == COMPANY_ADMIN, User.company_id.is_not(None),
                                                   eligible_clause(), User.reminders_opt_out.is_(False))
                                .order_by(User.id)).all()
    year, week, _day = local_time.local_date(now).isocalendar()
    period = f"{year}-W{week:02d}"
    digests = {}
    for admin in admins:
        key = (admin.company_id, admin.language)
        if key not in digests:
            digests[key] = company_digest(admin.company_id, admin.language, now)
    wanted = [admin for admin in admins if any((digests[(admin.company_id, admin.language)].overdue_count,
                                                digests[(admin.company_id, admin.language)].expiring_count,
                                                digests[(admin.company_id, admin.language)].completed_count))]
    claimed = claim("digest", [(admin.id, f"company:{admin.company_id}", period) for admin in wanted])
    sent = 0
    for admin in wanted:
        if (admin.id, f"company:{admin.company_id}", period) in claimed:
            mail_user(admin, "company_digest", _l("Your weekly training overview"),
                      digest=digests[(admin.company_id, admin.language)], expiring_days=EXPIRING_DAYS,
                      link=external_url("companies.training_matrix"),
                      certificates_link=external_url("certificates.company"))
            sent += 1
    return sent


def company_digest(company_id, language, now):
    """A company's overdue courses, certificates expiring within EXPIRING_DAYS, completions of the last 7 days."""
    today = local_time.local_date(now)
    title = reader_title(Enrolment.course_id, language=language, company_id=company_id)
    overdue = (select(User.first_name, User.last_name, title.label("title"), Enrolment.due_at)
               .join(User, User.id == Enrolment.user_id)
               .where(User.company_id == company_id, eligible_clause(), Enrolment.status != COMPLETED,
                      Enrolment.due_at < now))
    expiring = select(Certificate.holder_name, Certificate.course_title, Certificate.valid_until).where(
        Certificate.company_id == company_id, Certificate.revoked_at.is_(None), Certificate.superseded_at.is_(None),
        Certificate.valid_until.between(today, today + timedelta(days=EXPIRING_DAYS)))
    completed = (select(func.count(Enrolment.id)).join(User, User.id == Enrolment.user_id)
                 .where(User.company_id == company_id, Enrolment.status == COMPLETED,
                        Enrolment.completed_at >= now - timedelta(days=7)))
    return Digest(
        overdue=db.session.execute(overdue.order_by(Enrolment.due_at, User.last_name).limit(LISTED)).all(),
        overdue_count=db.session.scalar(select(func.count()).select_from(overdue.subquery())),
        expiring=db.session.execute(expiring.order_by(Certificate.valid_until, Certificate.id).limit(LISTED)).all(),
        expiring_count=db.session.scalar(select(func.count()).select_from(expiring.subquery())),
        completed_count=db.session.scalar(completed))
