"""A trainer's day: the session running now with the part to mark, the next ones, and the session list split
into coming (soonest first) and past (newest first), read with the filter menus in one statement."""

from sqlalchemy import bindparam, func, select

from oscart.classroom import review
from oscart.classroom.access import trainer_clause
from oscart.classroom.models import SessionPart, TrainingSession
from oscart.companies.models import Company
from oscart.core.database import SelectsInOne, prepared
from oscart.core.extensions import db
from oscart.core.pagination import PER_PAGE, Page
from oscart.core.security import PLATFORM_ADMIN
from oscart.training.models import Course
from oscart.training.titles import reader_params, reader_title

COMING = 3


def teach_page(actor, filters, *, past, now, number):
    """{"page": the page of the actor's coming (or ``past``) sessions with rates and ``title``, "running": the
    session running now or None, "part": its part to mark now or next, "coming": the next COMING sessions,
    "courses" and "companies": the filter menus}. One statement, and one more while a session runs."""
    number = max(1, min(number or 1, 10_000))
    values = review.filter_values(filters)
    found = _teach_statement(actor.role, tuple(values), past).rows(
        {**values, "actor_id": actor.id, "now": now, **reader_params(actor), **review.page_window(number)})
    page = Page(items=found["sessions"], number=number, per_page=PER_PAGE, total=found["total"][0].total)
    rows = found["coming"]
    running = rows[0] if rows and rows[0].starts_at <= now else None
    part = None
    if running is not None:
        part = db.session.scalar(select(SessionPart).where(SessionPart.session_id == running.id,
                                                           SessionPart.ends_at > now)
                                 .order_by(SessionPart.starts_at).limit(1))
    return {"page": page, "running": running, "part": part,
            "coming": [row for row in rows if row is not running][:COMING],
            "courses": found["courses"], "companies": found["companies"]}


@prepared
def _teach_statement(role, keys, past):
    now = bindparam("now")
    when = TrainingSession.ends_at <= now if past else TrainingSession.ends_at > now
    values = {key: bindparam(key) for key in keys}
    conditions = [*review.session_conditions(role, bindparam("actor_id"), values), when]
    title = reader_title(TrainingSession.course_id, Course.code).label("title")
    listed = review.page_limits(select(*review.session_columns(), title)
                                .join(Course, Course.id == TrainingSession.course_id)
                                .outerjoin(Company, Company.id == TrainingSession.company_id).where(*conditions))
    order = ((TrainingSession.starts_at.desc(), TrainingSession.id.desc()) if past
             else (TrainingSession.starts_at, TrainingSession.id))
    mine = [] if role == PLATFORM_ADMIN else [trainer_clause(bindparam("actor_id"))]
    coming = (select(TrainingSession.id, TrainingSession.course_id, TrainingSession.starts_at, TrainingSession.ends_at,
                     TrainingSession.place, TrainingSession.meeting_url,
                     reader_title(TrainingSession.course_id, "").label("title"))
              .where(*mine, TrainingSession.ends_at > now, TrainingSession.cancelled_at.is_(None)).limit(COMING + 1))
    return SelectsInOne(sessions=(listed, order),
                        total=(select(func.count(TrainingSession.id).label("total")).where(*conditions), ()),
                        coming=(coming, (TrainingSession.starts_at, TrainingSession.id)),
                        **review.menu_parts(companies=True))
