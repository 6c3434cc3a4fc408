"""Telling registrants when a session moves or is called off.

Everyone registered or waiting gets a mail in their language. Those who hold a calendar invitation (a seat
they booked themselves or through their company; walk-ins and the waiting list never got one) also get an
updated one: ``METHOD:REQUEST`` with a higher SEQUENCE when the times or place change, ``METHOD:CANCEL`` when
the session is called off.
"""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from oscart.accounts.models import User
from oscart.audit.services import record_event
from oscart.classroom import planning, registrations, sessions
from oscart.classroom.ics import invitation
from oscart.classroom.models import CANCELLED, REGISTERED, WAITLISTED, Registration
from oscart.core.database import utcnow
from oscart.core.exceptions import RuleViolation
from oscart.core.extensions import db
from oscart.core.locking import lock
from oscart.core.urls import external_url
from oscart.mail.services import mail_user
from oscart.training.titles import course_titles

MOVED = "moved"
CALLED_OFF = "called_off"
SUBJECTS = {
    MOVED: _l("Your session has new dates or a new place"),
    CALLED_OFF: _l("Your session has been cancelled"),
}


def holds_invitation(registration):
    """Whether ``registration`` was last sent a calendar REQUEST (so a change needs an update or a CANCEL)."""
    return registration.status == REGISTERED and not registration.is_walk_in


def schedule(session, parts):
    """What a registrant's agenda depends on: the parts' times, the place and the meeting link."""
    return tuple((part.starts_at, part.ends_at) for part in parts), session.place, session.meeting_url


def save_session(session, *, actor, now=None, **data):
    """planning.save_session(); when a coming session's times or place change, every registrant is told, and
    seats freed by a larger capacity go to the waiting list."""
    if session is not None and session.cancelled_at is not None:
        raise RuleViolation(_l("This session has been cancelled; it can no longer be changed."))
    before = None if session is None else schedule(session, sessions.session_parts(session.id))
    was_coming = session is not None and session.ends_at > (now or utcnow())
    saved = planning.save_session(session, actor=actor, **data)
    if was_coming and schedule(saved, sessions.session_parts(saved.id)) != before:
        _tell_registrants(saved, MOVED)
    if session is not None:
        registrations.promote_waitlist(saved, actor=actor, now=now)  # a larger capacity frees seats
    return saved


def cancel_session(session, *, actor, now=None):
    """Call off a session that has not started: its registrations are cancelled and every registrant told."""
    lock(session)
    now = now or utcnow()
    if session.cancelled_at is not None:
        raise RuleViolation(_l("This session has already been cancelled."))
    if session.starts_at <= now:
        raise RuleViolation(_l("A session that has started cannot be cancelled."))
    session.cancelled_at = now
    told = _tell_registrants(session, CALLED_OFF, now=now)
    db.session.flush()
    record_event("classroom.session_cancelled", actor=actor, company_id=session.company_id,
                 target=f"classroom-session:{session.id}", registrations=told)
    return told


def _registrants(session_id):
    return db.session.execute(select(Registration, User).join(User, User.id == Registration.user_id).where(
        Registration.session_id == session_id, Registration.status.in_((REGISTERED, WAITLISTED)))
        .order_by(Registration.id)).all()


def _tell_registrants(session, event, *, now=None):
    """Mail (and, for holders, an updated invitation) to everyone registered or waiting; returns their number."""
    found = _registrants(session.id)
    parts = sessions.session_parts(session.id)
    titles = {language: course_titles([session.course_id], language).get(session.course_id, "")
              for language in {user.language for _, user in found}}
    link = external_url("classroom.session", session_id=session.id)
    for registration, user in found:
        was_waiting, position = registration.status == WAITLISTED, registration.position
        attachments = None
        if holds_invitation(registration):
            attachments = [invitation(session, parts, title=titles[user.language], url=link,
                                      cancelled=event == CALLED_OFF, sequence=registration.calendar_sequence,
                                      attendee=(user.full_name, user.email))]
            registration.calendar_sequence += 1
        if event == CALLED_OFF:
            registration.status, registration.position, registration.cancelled_at = CANCELLED, None, now
        mail_user(user, "classroom_session_changed", SUBJECTS[event], event=event, session=session, parts=parts,
                  title=titles[user.language], link=link, attachments=attachments, has_invitation=bool(attachments),
                  was_waiting=was_waiting, position=position)
    db.session.flush()
    return len(found)
