"""The trainee's landing page: courses in progress (due dates, overdue first), completed, coming classroom
sessions, latest certificates, company news."""

from collections import namedtuple

from sqlalchemy import bindparam, select

from oscart.certificates import dates
from oscart.certificates.forms import STATUS_LABELS
from oscart.certificates.models import Certificate, certificate_status
from oscart.certificates.services import list_own
from oscart.classroom.services import list_upcoming_registrations
from oscart.database import prepared, rows, utcnow
from oscart.security import can
from oscart.training.company import list_news
from oscart.training.models import COMPLETED, Course, CourseTranslation, Enrolment
from oscart.training.services import first_row_per_id, is_overdue, pick_course_texts

# The template reads these by attribute: a named tuple answers at once where a dict first fails getattr.
DashboardCourse = namedtuple("DashboardCourse", "course_id title progress_percent due_at completed_at is_overdue")
DashboardCertificate = namedtuple("DashboardCertificate", "row status")

UPCOMING_SESSIONS = 5  # the dashboard shows the next few; "My sessions" lists them all
LATEST_CERTIFICATES = 3


@prepared
def _enrolments_statement():
    # One row per enrolment and title language, so the titles come with the enrolments.
    return (select(Enrolment.id, Enrolment.course_id, Enrolment.status, Enrolment.progress_percent,
                   Enrolment.due_at, Enrolment.completed_at, Enrolment.enrolled_at, Course.code, Course.format,
                   Course.duration_hours, Course.default_language, CourseTranslation.language,
                   CourseTranslation.title)
            .join(Course, Course.id == Enrolment.course_id)
            .outerjoin(CourseTranslation, CourseTranslation.course_id == Course.id)
            .where(Enrolment.user_id == bindparam("user_id"))
            .order_by(Enrolment.due_at.is_(None), Enrolment.due_at, Enrolment.enrolled_at.desc(), Enrolment.id))


@prepared
def _news_statement():
    return list_news(bindparam("company_id"), limit=5)


@prepared
def _certificates_statement():
    # A renewed certificate replaces the one before it.
    return list_own(bindparam("user_id")).where(Certificate.superseded_at.is_(None)).limit(LATEST_CERTIFICATES + 1)


def load_dashboard(actor, preferred, *, now=None):
    """Rows for the dashboard in a fixed number of queries: enrolments, their titles, sessions, certificates,
    news."""
    now = now or utcnow()
    found = rows(_enrolments_statement(), {"user_id": actor.id})
    enrolments = first_row_per_id(found)
    texts = pick_course_texts(found, {row.course_id: row.default_language for row in enrolments}, preferred)
    in_progress, completed = [], []
    for row in enrolments:
        title = texts[row.course_id][0].title if row.course_id in texts else row.code
        item = DashboardCourse(row.course_id, title, row.progress_percent, row.due_at, row.completed_at,
                               is_overdue(row.status, row.due_at, now))
        (completed if row.status == COMPLETED else in_progress).append(item)
    completed.sort(key=lambda item: item.completed_at, reverse=True)
    news = []
    if actor.company_id is not None:
        news = rows(_news_statement(), {"company_id": actor.company_id})
    sessions = list_upcoming_registrations(actor, now=now, limit=UPCOMING_SESSIONS)
    certificates, more_certificates = [], False
    if can(actor, "certificates.own"):
        latest = rows(_certificates_statement(), {"user_id": actor.id})
        today = dates.today()
        certificates = [DashboardCertificate(row, certificate_status(row.revoked_at, row.superseded_at,
                                                                     row.valid_until, today, 30))
                        for row in latest[:LATEST_CERTIFICATES]]
        more_certificates = len(latest) > LATEST_CERTIFICATES
    return {"in_progress": in_progress, "completed": completed, "news": news, "sessions": sessions,
            "certificates": certificates, "more_certificates": more_certificates,
            "certificate_status_labels": STATUS_LABELS}
