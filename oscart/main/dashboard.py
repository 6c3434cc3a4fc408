"""The trainee's landing page: courses in progress (due dates, overdue first), completed, coming classroom
sessions, latest certificates, company news."""

from collections import namedtuple

from sqlalchemy import bindparam, select

from oscart.certificates.models import STATUS_LABELS, Certificate, certificate_status
from oscart.certificates.services import OWN_ORDER, listed_title
from oscart.classroom.upcoming import upcoming_from_rows, upcoming_with_titles_statement
from oscart.core import dashboard, local_time
from oscart.core.database import SelectsInOne, prepared, utcnow
from oscart.core.security import can
from oscart.training.company import NEWS_ORDER, list_news
from oscart.training.enrolling import is_overdue
from oscart.training.models import COMPLETED, Course, CourseTranslation, Enrolment
from oscart.training.texts import first_row_per_id, pick_course_texts
from oscart.training.titles import reader_params

# The template reads these by attribute: a named tuple answers at once where a dict first fails getattr.
DashboardCourse = namedtuple("DashboardCourse", "course_id title progress_percent due_at completed_at is_overdue")
DashboardCertificate = namedtuple("DashboardCertificate", "row status")

UPCOMING_SESSIONS = 5  # the dashboard shows the next few; "My sessions" lists them all
LATEST_CERTIFICATES = 3

def _enrolments_part():
    # One row per enrolment and title language, so the titles come with the enrolments.
    return (select(Enrolment.id, Enrolment.course_id, Enrolment.status, Enrolment.progress_percent,
                   Enrolment.due_at, Enrolment.completed_at, Course.code, Course.default_language,
                   CourseTranslation.language, CourseTranslation.title)
            .join(Course, Course.id == Enrolment.course_id)
            .outerjoin(CourseTranslation, CourseTranslation.course_id == Course.id)
            .where(Enrolment.user_id == bindparam("user_id")),
            (Enrolment.due_at.is_(None), Enrolment.due_at, Enrolment.enrolled_at.desc(), Enrolment.id))


def _sessions_part():
    statement = upcoming_with_titles_statement()
    return statement.order_by(None), (statement.selected_columns.starts_at, statement.selected_columns.session_id)


@prepared
def _dashboard_statement(with_news, with_certificates):
    """Everything the dashboard lists, read in one statement (see SelectsInOne)."""
    parts = {"enrolments": _enrolments_part(), "sessions": _sessions_part()}
    if with_news:
        parts["news"] = (list_news(bindparam("company_id"), limit=5).order_by(None), NEWS_ORDER)
    if with_certificates:
        # A renewed certificate replaces the one before it.
        parts["certificates"] = (select(Certificate.id, listed_title(), Certificate.completed_on,
                                        Certificate.valid_until, Certificate.revoked_at, Certificate.superseded_at)
                                 .where(Certificate.user_id == bindparam("user_id"),
                                        Certificate.superseded_at.is_(None))
                                 .limit(LATEST_CERTIFICATES + 1), OWN_ORDER)
    parts.update({name: build() for name, build in dashboard.parts().items()})  # the features' parts
    return SelectsInOne(**parts)


def load_dashboard(actor, preferred, *, now=None):
    """Rows for the dashboard in one query: enrolments with their titles, coming sessions, latest certificates,
    company news."""
    now = now or utcnow()
    with_news, with_certificates = actor.company_id is not None, can(actor, "certificates.own")
    found = _dashboard_statement(with_news, with_certificates).rows(
        {"user_id": actor.id, "company_id": actor.company_id, "now": now, "limit": UPCOMING_SESSIONS,
         **reader_params(actor)})
    enrolments = first_row_per_id(found["enrolments"])
    texts = pick_course_texts(found["enrolments"], {row.course_id: row.default_language for row in enrolments},
                              preferred)
    in_progress, completed = [], []
    for row in enrolments:
        title = texts[row.course_id][0].title if row.course_id in texts else row.code
        item = DashboardCourse(row.course_id, title, row.progress_percent, row.due_at, row.completed_at,
                               is_overdue(row.status, row.due_at, now))
        (completed if row.status == COMPLETED else in_progress).append(item)
    completed.sort(key=lambda item: item.completed_at, reverse=True)
    latest = found.get("certificates", [])
    today = local_time.today()
    certificates = [DashboardCertificate(row, certificate_status(row.revoked_at, row.superseded_at,
                                                                 row.valid_until, today, 30))
                    for row in latest[:LATEST_CERTIFICATES]]
    return {"in_progress": in_progress, "completed": completed, "news": found.get("news", []),
            "sessions": upcoming_from_rows(found["sessions"]), "certificates": certificates,
            "more_certificates": len(latest) > LATEST_CERTIFICATES, "certificate_status_labels": STATUS_LABELS,
            "extra": {name: found[name] for name in dashboard.parts()}}
