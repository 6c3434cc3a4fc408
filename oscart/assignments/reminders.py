"""Reminders of required training, each sent once: before a due date, when overdue (the trainee, then the
manager), and the day before a classroom session. Restricted, erased and deactivated people get none; people
who turned reminders off get only the essential ones (overdue). Run daily by ``flask send-reminders``."""

from collections import defaultdict
from datetime import datetime, time, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import aliased

from oscart.accounts.models import User
from oscart.assignments.claims import claim
from oscart.assignments.coverage import eligible_clause
from oscart.classroom.models import REGISTERED, Registration, TrainingSession
from oscart.companies.models import Company
from oscart.core import local_time
from oscart.core.extensions import db
from oscart.core.urls import external_url
from oscart.mail.services import mail_user
from oscart.training.models import COMPLETED, Enrolment
from oscart.training.titles import course_titles

# The manager hears of an overdue course this many days after its due date (the trainee on the first day).
MANAGER_AFTER_DAYS = 3


def open_enrolments(*conditions):
    """(enrolment id, course id, due_at, person) of open enrolments with a due date, of people who may be
    reminded."""
    return db.session.execute(
        select(Enrolment.id, Enrolment.course_id, Enrolment.due_at, User)
        .join(User, User.id == Enrolment.user_id)
        .where(Enrolment.status != COMPLETED, Enrolment.due_at.is_not(None), User.company_id.is_not(None),
               eligible_clause(), *conditions)
        .order_by(Enrolment.due_at, Enrolment.id)).all()


def titles_in(people, course_ids):
    """{(language, company id): {course id: title}}, one query per language and company among ``people``."""
    return {(language, company_id): course_titles(course_ids, language, company_id)
            for language, company_id in {(person.language, person.company_id) for person in people}}


def send_due_soon(now):
    """Before a due date: as many days before as the person's company sets (0: none). Not essential."""
    days = dict(db.session.execute(select(Company.id, Company.reminder_days_before)
                                   .where(Company.reminder_days_before > 0)).all())
    if not days:
        return 0
    today = local_time.local_date(now)
    found = [row for row in open_enrolments(Enrolment.due_at >= now, User.reminders_opt_out.is_(False),
                                            Enrolment.due_at <= now + timedelta(days=max(days.values()) + 1))
             if row.User.company_id in days
             and (local_time.local_date(row.due_at) - today).days <= days[row.User.company_id]]
    return _remind_trainees("due_soon", found, "assignment_due_soon", _l("Reminder: a course is due soon"))


def send_overdue(now):
    """The trainee, once per due date, when it has passed; essential (sent whatever the person's setting)."""
    return _remind_trainees("overdue", open_enrolments(Enrolment.due_at < now), "assignment_overdue",
                            _l("A required course is overdue"))


def _remind_trainees(kind, found, template, subject):
    claimed = claim(kind, [(row.User.id, f"enrolment:{row.id}", local_time.local_date(row.due_at).isoformat())
                           for row in found])
    sending = [row for row in found
               if (row.User.id, f"enrolment:{row.id}", local_time.local_date(row.due_at).isoformat()) in claimed]
    titles = titles_in([row.User for row in sending], {row.course_id for row in sending})
    for row in sending:
        title = titles[(row.User.language, row.User.company_id)].get(row.course_id, "")
        mail_user(row.User, template, subject, title=title, due_at=row.due_at,
                  link=external_url("training.course", course_id=row.course_id))
    return len(sending)


def send_overdue_to_managers(now):
    """A few days after the due date, each person's manager: one mail per manager listing what is new to them."""
    trainee = aliased(User)
    found = db.session.execute(
        select(Enrolment.id, Enrolment.course_id, Enrolment.due_at, trainee.first_name, trainee.last_name, User)
        .join(trainee, trainee.id == Enrolment.user_id)
        .join(User, User.id == trainee.manager_id)
        .where(Enrolment.status != COMPLETED, Enrolment.due_at < now - timedelta(days=MANAGER_AFTER_DAYS),
               trainee.is_active.is_(True), trainee.deactivated_at.is_(None), trainee.is_restricted.is_(False),
               trainee.is_anonymised.is_(False), User.company_id == trainee.company_id, eligible_clause())
        .order_by(Enrolment.due_at, Enrolment.id)).all()

    def key(row):
        return row.User.id, f"enrolment:{row.id}", local_time.local_date(row.due_at).isoformat()

    claimed = claim("overdue_manager", [key(row) for row in found])
    per_manager = defaultdict(list)
    for row in found:
        if key(row) in claimed:
            per_manager[row.User].append(row)
    titles = titles_in(per_manager, {row.course_id for row in found})
    for manager, rows in per_manager.items():
        names = titles[(manager.language, manager.company_id)]
        items = [{"name": f"{row.first_name} {row.last_name}", "title": names.get(row.course_id, ""),
                  "due_at": row.due_at} for row in rows]
        mail_user(manager, "assignment_overdue_manager", _l("Required training of your team is overdue"),
                  items=items, link=external_url("companies.training_matrix"))
    return sum(len(rows) for rows in per_manager.values())


def send_session_reminders(now):
    """The day before a classroom session (Brussels calendar), to everyone registered. Not essential."""
    tomorrow = local_time.local_date(now) + timedelta(days=1)
    start = datetime.combine(tomorrow, time(0), tzinfo=local_time.BRUSSELS)
    found = db.session.execute(
        select(TrainingSession, User)
        .join(Registration, Registration.session_id == TrainingSession.id)
        .join(User, User.id == Registration.user_id)
        .where(Registration.status == REGISTERED, TrainingSession.starts_at >= start,
               TrainingSession.starts_at < start + timedelta(days=1), eligible_clause(),
               User.reminders_opt_out.is_(False))
        .order_by(TrainingSession.starts_at, TrainingSession.id, User.id)).all()
    claimed = claim("session_tomorrow", [(person.id, f"session:{session.id}", tomorrow.isoformat())
                                         for session, person in found])
    sending = [(session, person) for session, person in found
               if (person.id, f"session:{session.id}", tomorrow.isoformat()) in claimed]
    titles = titles_in([person for _session, person in sending], {session.course_id for session, _ in sending})
    for session, person in sending:
        mail_user(person, "session_tomorrow", _l("Your classroom session is tomorrow"), session=session,
                  title=titles[(person.language, person.company_id)].get(session.course_id, ""),
                  link=external_url("classroom.session", session_id=session.id))
    return len(sending)

