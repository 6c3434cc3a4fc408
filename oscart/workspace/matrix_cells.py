"""The status of one cell of the training matrix (one person, one course), computed in SQL.

A cell exists when the person has an enrolment in the course, a place in one of its coming classroom sessions or
a current certificate of it. Its status is the one an HR person acts on first:

overdue        a due date has passed and the course is not completed
expired        the newest current certificate's last valid day has passed
expiring       it stops being valid within EXPIRING_DAYS
valid          a certificate valid until a later date
completed      completed (without a certificate, or with one that never expires)
registered     a place in a coming classroom session of the course
in_progress    started (some progress)
not_started    enrolled (or assigned) without progress

A cell is *required* when its enrolment has a due date (a company admin or a rule assigned it), else optional.
"""

from datetime import timedelta

from sqlalchemy import and_, bindparam, case, func, literal, select, union

from oscart.accounts.models import User
from oscart.certificates.models import Certificate
from oscart.classroom.models import REGISTERED, Registration, TrainingSession
from oscart.companies.models import GroupMember
from oscart.companies.services import visible_employees
from oscart.core import local_time
from oscart.core.database import utcnow
from oscart.training.models import COMPLETED, Enrolment

EXPIRING_DAYS = 60

OVERDUE = "overdue"
EXPIRED = "expired"
EXPIRING = "expiring"
VALID = "valid"
DONE = "completed"
BOOKED = "registered"
STARTED = "in_progress"
NOT_STARTED = "not_started"
STATUSES = (NOT_STARTED, BOOKED, STARTED, DONE, VALID, EXPIRING, EXPIRED, OVERDUE)


def cell_params(now=None):
    """The moments every cell statement compares with: now, today and the last day counted as expiring."""
    now = now or utcnow()
    today = now.astimezone(local_time.BRUSSELS).date()
    return {"now": now, "today": today, "expiring_until": today + timedelta(days=EXPIRING_DAYS)}


def cells_subquery(people):
    """A subquery of the cells of the people ``people`` selects (a select of User.id) with their status.

    Columns: user_id, course_id, status, is_required, progress_percent, due_at, completed_at, valid_until,
    session_starts_at. Bound parameters: those of ``people`` and of cell_params().
    """
    current = and_(Certificate.revoked_at.is_(None), Certificate.superseded_at.is_(None))  # models.CURRENT
    certificates = (select(Certificate.user_id, Certificate.course_id,
                           func.max(Certificate.valid_until).label("valid_until"),
                           func.max(case((Certificate.valid_until.is_(None), 1), else_=0)).label("is_lasting"),
                           func.max(Certificate.completed_on).label("completed_on"))
                    .where(current, Certificate.user_id.in_(people))
                    .group_by(Certificate.user_id, Certificate.course_id).subquery("cell_certificates"))
    bookings = (select(Registration.user_id, TrainingSession.course_id,
                       func.min(TrainingSession.starts_at).label("starts_at"))
                .join(TrainingSession, TrainingSession.id == Registration.session_id)
                .where(Registration.status == REGISTERED, TrainingSession.ends_at >= bindparam("now"),
                       Registration.user_id.in_(people))
                .group_by(Registration.user_id, TrainingSession.course_id).subquery("cell_bookings"))
    keys = union(select(Enrolment.user_id, Enrolment.course_id).where(Enrolment.user_id.in_(people)),
                 select(bookings.c.user_id, bookings.c.course_id),
                 select(certificates.c.user_id, certificates.c.course_id)).subquery("cell_keys")
    enrolment = Enrolment.__table__.alias("cell_enrolment")
    is_completed = enrolment.c.status == COMPLETED
    status = case(
        (and_(~is_completed, enrolment.c.due_at < bindparam("now")), literal(OVERDUE)),
        (certificates.c.is_lasting == 1, literal(DONE)),
        (certificates.c.valid_until < bindparam("today"), literal(EXPIRED)),
        (certificates.c.valid_until <= bindparam("expiring_until"), literal(EXPIRING)),
        (certificates.c.valid_until.is_not(None), literal(VALID)),
        (is_completed, literal(DONE)),
        (bookings.c.starts_at.is_not(None), literal(BOOKED)),
        (enrolment.c.progress_percent > 0, literal(STARTED)),
        else_=literal(NOT_STARTED))
    return (select(keys.c.user_id, keys.c.course_id, status.label("status"),
                   enrolment.c.due_at.is_not(None).label("is_required"), enrolment.c.progress_percent,
                   enrolment.c.due_at, enrolment.c.completed_at, certificates.c.valid_until,
                   certificates.c.completed_on, bookings.c.starts_at.label("session_starts_at"))
            .select_from(keys)
            .outerjoin(enrolment, and_(enrolment.c.user_id == keys.c.user_id,
                                       enrolment.c.course_id == keys.c.course_id))
            .outerjoin(certificates, and_(certificates.c.user_id == keys.c.user_id,
                                          certificates.c.course_id == keys.c.course_id))
            .outerjoin(bookings, and_(bookings.c.user_id == keys.c.user_id, bookings.c.course_id == keys.c.course_id))
            .subquery("cells"))


def company_people(*, include_inactive, group=False, job_role=False):
    """A select of the ids of the actor's company's visible people (bound: company_id, group_id, job_role_id)."""
    query = select(User.id).where(User.company_id == bindparam("company_id"), *visible_employees())
    if not include_inactive:
        query = query.where(User.is_active.is_(True))
    if group:
        query = query.where(User.id.in_(select(GroupMember.user_id)
                                        .where(GroupMember.group_id == bindparam("group_id"))))
    if job_role:
        query = query.where(User.job_role_id == bindparam("job_role_id"))
    return query

