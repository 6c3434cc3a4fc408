"""A trainer's day: the session running now with the part to mark, the next ones, and the session list split
into coming (soonest first) and past (newest first)."""

from sqlalchemy import select

from oscart.classroom.access import teaches_clause
from oscart.classroom.models import SessionPart, TrainingSession
from oscart.core.extensions import db


def split_by_time(query, *, past, now):
    """The review list's coming and running sessions soonest first, or (``past``) its ended ones newest first."""
    query = query.order_by(None)
    if past:
        return query.where(TrainingSession.ends_at <= now).order_by(TrainingSession.starts_at.desc(),
                                                                    TrainingSession.id.desc())
    return query.where(TrainingSession.ends_at > now).order_by(TrainingSession.starts_at, TrainingSession.id)


def now_and_next(actor, *, now, limit=3):
    """(running session row or None, its part to mark now or next, the next ``limit`` session rows); two queries."""
    rows = db.session.execute(
        select(TrainingSession.id, TrainingSession.course_id, TrainingSession.starts_at, TrainingSession.ends_at,
               TrainingSession.place, TrainingSession.meeting_url)
        .where(teaches_clause(actor), TrainingSession.ends_at > now, TrainingSession.cancelled_at.is_(None))
        .order_by(TrainingSession.starts_at, TrainingSession.id).limit(limit + 1)).all()
    running = rows[0] if rows and rows[0].starts_at <= now else None
    part = None
    if running is not None:
        part = db.session.scalar(select(SessionPart).where(SessionPart.session_id == running.id,
                                                           SessionPart.ends_at > now)
                                 .order_by(SessionPart.starts_at).limit(1))
    return running, part, [row for row in rows if row is not running][:limit]
