"""Coming sessions: those a trainee may register for, and a person's own registrations (the dashboard's)."""

from collections import namedtuple

from sqlalchemy import bindparam, func, select

from oscart.classroom.access import visible_sessions_clause
from oscart.classroom.models import REGISTERED, WAITLISTED, Registration, TrainingSession
from oscart.core.database import prepared, utcnow
from oscart.core.database import rows as column_rows
from oscart.training.models import Course
from oscart.training.titles import reader_params, reader_title


def list_open_sessions(actor, *, now=None, course_id=None):
    """Upcoming sessions the actor may register for (of one course, given ``course_id``), with seats taken, as
    rows."""
    taken = (select(func.count(Registration.id)).where(Registration.session_id == TrainingSession.id,
                                                       Registration.status == REGISTERED).scalar_subquery())
    mine = (select(Registration.status).where(Registration.session_id == TrainingSession.id,
                                              Registration.user_id == actor.id).scalar_subquery())
    return (select(TrainingSession.id, TrainingSession.course_id, TrainingSession.starts_at, TrainingSession.ends_at,
                   TrainingSession.place, TrainingSession.meeting_url, TrainingSession.language,
                   TrainingSession.capacity, TrainingSession.company_id, taken.label("taken"), mine.label("my_status"))
            .join(Course, Course.id == TrainingSession.course_id)
            .where(TrainingSession.starts_at > (now or utcnow()), TrainingSession.cancelled_at.is_(None),
                   visible_sessions_clause(actor), *([TrainingSession.course_id == course_id] if course_id else []))
            .order_by(TrainingSession.starts_at, TrainingSession.id))


def list_upcoming_registrations(user, *, now=None, limit=20):
    """Rows of the user's coming sessions (registered or waitlisted), soonest first, for the dashboard; one query.

    Each row: session_id, course_id, course_title (user's language), starts_at, ends_at, place, meeting_url,
    status, position.
    """
    found = column_rows(upcoming_with_titles_statement(), {"user_id": user.id, "now": now or utcnow(),
                                                           "limit": limit, **reader_params(user)})
    return upcoming_from_rows(found)


def upcoming_from_rows(found):
    """list_upcoming_registrations() from the rows of upcoming_with_titles_statement(), already read."""
    return [UpcomingSession(row.session_id, row.course_id, row.title, row.starts_at, row.ends_at, row.place,
                            row.meeting_url, row.status, row.position) for row in found]


# Templates read these by attribute, which a named tuple answers at once (a dict only after a failed getattr).
UpcomingSession = namedtuple("UpcomingSession", "session_id course_id course_title starts_at ends_at place "
                                                "meeting_url status position")


@prepared
def upcoming_with_titles_statement():
    """A user's coming sessions with the course title in the reader's language; bound values user_id, now,
    limit and those of training.titles.reader_params()."""
    upcoming = _upcoming_statement().subquery()
    return (select(upcoming, reader_title(upcoming.c.course_id, "").label("title"))
            .order_by(upcoming.c.starts_at, upcoming.c.session_id))


@prepared
def _upcoming_statement():
    return (select(TrainingSession.id.label("session_id"), TrainingSession.course_id, TrainingSession.starts_at,
                   TrainingSession.ends_at, TrainingSession.place, TrainingSession.meeting_url, Registration.status,
                   Registration.position)
            .join(Registration, Registration.session_id == TrainingSession.id)
            .where(Registration.user_id == bindparam("user_id"), Registration.status.in_((REGISTERED, WAITLISTED)),
                   TrainingSession.ends_at > bindparam("now"))
            .order_by(TrainingSession.starts_at, TrainingSession.id).limit(bindparam("limit")))
