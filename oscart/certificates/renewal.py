"""Before a certificate expires: reminder mails (once per certificate) and assigning the refresher course."""

from collections import defaultdict
from datetime import timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, select

from oscart.accounts.models import User
from oscart.audit.services import record_event
from oscart.certificates.models import Certificate
from oscart.core import local_time
from oscart.core.database import utcnow
from oscart.core.exceptions import RuleViolation
from oscart.core.extensions import db
from oscart.core.locking import unclaimed
from oscart.core.security import COMPANY_ADMIN
from oscart.core.urls import external_url
from oscart.mail.services import mail_user
from oscart.training.models import COMPLETED, IN_PROGRESS, Course, Enrolment
from oscart.training.titles import titles_for
from oscart.training.visibility import visible_to_company_clause


def due_for_reminder(today, days):
    return select(Certificate).where(
        Certificate.revoked_at.is_(None), Certificate.superseded_at.is_(None),
        Certificate.reminder_sent_at.is_(None), Certificate.valid_until.between(today, today + timedelta(days=days)),
    ).order_by(Certificate.valid_until, Certificate.id)


def send_expiry_reminders(*, days, today=None):
    """Mail each holder, and their company's admins, about certificates expiring within ``days``.

    Restricted and erased people get no reminder (restriction stops all but storage). Each certificate is
    reminded once (``reminder_sent_at``), so running this daily, twice, or from two
    workers at once (rows locked, SKIP LOCKED on PostgreSQL) sends nothing twice. Returns the number reminded.
    """
    today = today or local_time.today()
    query = due_for_reminder(today, days)
    query = unclaimed(query, of=Certificate)
    certificates = db.session.scalars(query).all()
    if not certificates:
        return 0
    people = {u.id: u for u in db.session.scalars(select(User).where(
        User.id.in_({c.user_id for c in certificates}))).all()}
    per_company = defaultdict(list)
    for certificate in certificates:
        holder = people.get(certificate.user_id)
        if holder is not None and holder.is_active and not (holder.is_restricted or holder.is_anonymised):
            mail_user(holder, "certificate_expiring", _l("Your certificate expires soon"),
                      certificate=certificate, link=external_url("certificates.mine"))
        if certificate.company_id is not None:
            per_company[certificate.company_id].append(certificate)
        certificate.reminder_sent_at = utcnow()
    _remind_company_admins(per_company, days)
    return len(certificates)


def _remind_company_admins(per_company, days):
    if not per_company:
        return
    admins = db.session.scalars(select(User).where(
        User.company_id.in_(per_company), User.role == COMPANY_ADMIN, User.is_active.is_(True),
        User.is_restricted.is_(False), User.is_anonymised.is_(False))).all()
    link = external_url("certificates.company", status="expiring", within=days)
    for admin in admins:
        certificates = per_company[admin.company_id]
        mail_user(admin, "certificates_expiring_company", _l("Certificates of your employees expire soon"),
                  certificates=certificates, titles=titles_for(admin, {c.course_id for c in certificates}), link=link)


def assign_refresher(certificate, *, actor, due_on):
    """Enrol the holder in the certificate's course again, due by ``due_on`` (get-or-create the enrolment).

    A completed enrolment starts a new round (``enrolled_at`` now, progress reset), so completing it issues
    a new certificate; an open one only gets the new due date.
    """
    if due_on < local_time.today():
        raise RuleViolation(_("The due date cannot be in the past."), "due_on")
    course = db.session.scalar(select(Course).where(
        Course.id == certificate.course_id, visible_to_company_clause(actor.company_id)))
    holder = db.session.get(User, certificate.user_id)
    if course is None or holder is None or holder.company_id != actor.company_id or not holder.is_active:
        raise RuleViolation(_("This course cannot be assigned to this employee."), None)
    due_at = local_time.end_of_day(due_on)
    enrolment = db.session.scalar(select(Enrolment).where(
        and_(Enrolment.user_id == holder.id, Enrolment.course_id == course.id)))
    if enrolment is None:
        enrolment = Enrolment(user_id=holder.id, course_id=course.id, status=IN_PROGRESS, progress_percent=0)
        db.session.add(enrolment)
    elif enrolment.status == COMPLETED:
        enrolment.status = IN_PROGRESS
        enrolment.progress_percent = 0
        enrolment.completed_at = None
        enrolment.enrolled_at = utcnow()
    enrolment.due_at = due_at
    enrolment.assigned_by_id = actor.id
    db.session.flush()
    record_event("certificate.refresher_assigned", actor=actor, subject=holder, target=f"course:{course.id}",
                 certificate_id=certificate.id, due_on=due_on.isoformat())
    return enrolment
