"""Calendar files of sessions and each trainee's personal calendar feed.

The feed lives at a secret address (``/classroom/feed/<token>.ics``) that calendar apps fetch without logging
in. Only the SHA-256 of the token is stored: the address is shown once, when it is made, and renewing it makes
a new one and kills the old. Its events are those of the mailed invitations (same UID, same SEQUENCE), in a
published calendar (``METHOD:PUBLISH``): a seat reads CONFIRMED, a place on the waiting list TENTATIVE, and a
cancelled registration or session CANCELLED, so a subscribed calendar drops it at its next refresh.
"""

import hashlib
import secrets
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import delete, select

from oscart.accounts.models import User
from oscart.audit.services import record_event
from oscart.classroom.feed_models import CalendarFeed
from oscart.classroom.ics import PUBLISH, calendar_bytes, vevent
from oscart.classroom.models import CANCELLED, WAITLISTED, Registration, SessionPart, TrainingSession
from oscart.core.database import utcnow
from oscart.core.extensions import db
from oscart.core.i18n import force_locale
from oscart.core.urls import external_url
from oscart.training.titles import course_titles

# Sessions that ended longer ago than this drop out of the feed; the newest FEED_LIMIT registrations are in it.
FEED_HISTORY = timedelta(days=365)
FEED_LIMIT = 300


def hash_token(token):
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def feed_created_at(user):
    """When the user's current feed address was made; None when they have none."""
    return db.session.scalar(select(CalendarFeed.created_at).where(CalendarFeed.user_id == user.id))


def renew_feed(user, *, actor):
    """Make a new secret feed address for ``user`` (the old one, if any, stops working); returns the token."""
    token = secrets.token_urlsafe(32)
    feed = db.session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user.id))
    renewed = feed is not None
    if feed is None:
        feed = CalendarFeed(user_id=user.id)
        db.session.add(feed)
    feed.token_hash, feed.created_at = hash_token(token), utcnow()
    db.session.flush()
    record_event("classroom.calendar_feed_renewed" if renewed else "classroom.calendar_feed_created",
                 actor=actor, subject=user)
    return token


def revoke_feed(user, *, actor):
    """Stop the user's feed address (calendar apps then get 404); False when there was none."""
    gone = db.session.execute(delete(CalendarFeed).where(CalendarFeed.user_id == user.id)).rowcount
    if gone:
        record_event("classroom.calendar_feed_revoked", actor=actor, subject=user)
    return bool(gone)


def find_feed_user(token):
    """The active user whose feed address holds ``token``; None for an unknown, renewed or revoked one."""
    if not token or len(token) > 100:
        return None
    return db.session.scalar(select(User).join(CalendarFeed, CalendarFeed.user_id == User.id).where(
        CalendarFeed.token_hash == hash_token(token), User.is_active.is_(True)))


def _feed_rows(user, now):
    return db.session.execute(
        select(TrainingSession, Registration.status, Registration.calendar_sequence)
        .join(Registration, Registration.session_id == TrainingSession.id)
        .where(Registration.user_id == user.id, TrainingSession.ends_at > now - FEED_HISTORY)
        .order_by(TrainingSession.starts_at.desc(), TrainingSession.id.desc()).limit(FEED_LIMIT)).all()


def feed_calendar(user, *, now=None):
    """Bytes of the user's personal calendar: every part of every session they registered for (three queries)."""
    now = now or utcnow()
    rows = _feed_rows(user, now)
    parts = {}
    for part in db.session.scalars(select(SessionPart).where(SessionPart.session_id.in_([r[0].id for r in rows]))
                                   .order_by(SessionPart.starts_at)):
        parts.setdefault(part.session_id, []).append(part)
    titles = course_titles([r[0].course_id for r in rows], user.language, user.company_id)
    lines = []
    with force_locale(user.language):
        waiting = _("waiting list")
        name = _("Oscart: my sessions")
    for session, status, sequence in reversed(rows):
        title = titles.get(session.course_id, "")
        state = "CANCELLED" if status == CANCELLED or session.cancelled_at else \
            "TENTATIVE" if status == WAITLISTED else "CONFIRMED"
        if state == "TENTATIVE":
            title = f"{title} ({waiting})"
        url = external_url("classroom.session", session_id=session.id)
        for part in parts.get(session.id, []):
            lines += vevent(session, part, title=title, url=url, status=state, sequence=sequence, now=now)
    return calendar_bytes(lines, PUBLISH, name=name)


def session_file(session, parts, *, title, url, sequence=0, now=None):
    """The "add to calendar" file of one session (a published calendar, no attendee)."""
    status = "CANCELLED" if session.cancelled_at else "CONFIRMED"
    lines = []
    for part in parts:
        lines += vevent(session, part, title=title, url=url, status=status, sequence=sequence, now=now)
    return calendar_bytes(lines, PUBLISH)
