"""Registering for sessions: capacity, waiting list that moves up, cancellation deadline, bulk by company."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from oscart.accounts.models import User
from oscart.audit.services import record_event
from oscart.classroom.ics import invitation
from oscart.classroom.models import CANCELLED, REGISTERED, WAITLISTED, Registration
from oscart.classroom.sessions import session_parts
from oscart.core.database import utcnow
from oscart.core.exceptions import NotFound, RuleViolation
from oscart.core.extensions import db
from oscart.core.locking import lock
from oscart.core.urls import external_url
from oscart.mail.services import mail_user
from oscart.training.titles import titles_for

SUBJECTS = {
    REGISTERED: _l("Your place in the session is confirmed"),
    WAITLISTED: _l("You are on the waiting list"),
    "promoted": _l("A place has become free for you"),
    CANCELLED: _l("Your registration has been cancelled"),
    "left": _l("Your registration has been cancelled"),
}


def _snapshot(registration):
    if registration is None:
        return None
    return {"status": registration.status, "position": registration.position}


def find_registration(session_id, user_id):
    return db.session.scalar(select(Registration).where(Registration.session_id == session_id,
                                                        Registration.user_id == user_id))


def _taken(session_id):
    return db.session.scalar(select(func.count(Registration.id)).where(Registration.session_id == session_id,
                                                                       Registration.status == REGISTERED))


def register_user(session, user, *, actor, now=None, walk_in=False):
    """Give ``user`` a place, or the next place on the waiting list when the session is full.

    The session is locked first, so registrations of the same session arriving at once take turns.
    """
    lock(session)
    now = now or utcnow()
    if session.cancelled_at is not None:
        raise RuleViolation(_l("This session has been cancelled."))
    if not walk_in and session.starts_at <= now:
        raise RuleViolation(_l("Registration is closed: this session has already started."))
    if session.company_id is not None and user.company_id != session.company_id:
        raise RuleViolation(_l("%(name)s cannot join: this is an in-company session of another company.",
                               name=user.full_name))
    registration = find_registration(session.id, user.id)
    if registration is not None and registration.status != CANCELLED:
        raise RuleViolation(_l("%(name)s is already registered for this session.", name=user.full_name))
    before = _snapshot(registration)
    has_seat = walk_in or _taken(session.id) < session.capacity
    if registration is None:
        registration = Registration(session_id=session.id, user_id=user.id)
        db.session.add(registration)
    registration.registered_by_id, registration.cancelled_at, registration.is_walk_in = actor.id, None, walk_in
    if has_seat:
        registration.status, registration.position = REGISTERED, None
    else:
        last = db.session.scalar(select(func.max(Registration.position)).where(
            Registration.session_id == session.id, Registration.status == WAITLISTED))
        registration.status, registration.position = WAITLISTED, (last or 0) + 1
    db.session.flush()
    _audit("classroom.registered", registration, session, user, actor, before, walk_in=walk_in)
    if not walk_in:
        _send(registration.status, session, user, registration)
    return registration


def cancel_registration(session, user, *, actor, now=None, enforce_deadline=True):
    """Cancel ``user``'s place (or waiting-list place); the first on the waiting list moves up."""
    lock(session)
    now = now or utcnow()
    registration = find_registration(session.id, user.id)
    if registration is None or registration.status == CANCELLED:
        raise RuleViolation(_l("%(name)s is not registered for this session.", name=user.full_name))
    if registration.status == REGISTERED and enforce_deadline and now > session.cancellation_deadline_at:
        raise RuleViolation(_l("The cancellation deadline has passed. Please contact Oscart to cancel."))
    before = _snapshot(registration)
    was_registered = registration.status == REGISTERED
    registration.status, registration.position, registration.cancelled_at = CANCELLED, None, now
    db.session.flush()
    _audit("classroom.cancelled", registration, session, user, actor, before)
    # A place on the waiting list came with no calendar invitation, so there is none to withdraw.
    _send(CANCELLED if was_registered else "left", session, user, registration)
    if was_registered:
        promote_waitlist(session, actor=actor, now=now)
    return registration


def promote_waitlist(session, *, actor, now=None):
    """Move people up from the waiting list while seats are free (before the session starts)."""
    lock(session)
    if session.starts_at <= (now or utcnow()):
        return []
    free = session.capacity - _taken(session.id)
    if free <= 0:
        return []
    promoted = list(db.session.scalars(select(Registration).where(
        Registration.session_id == session.id, Registration.status == WAITLISTED)
        .order_by(Registration.position, Registration.id).limit(free)))
    users = {u.id: u for u in db.session.scalars(select(User).where(User.id.in_([r.user_id for r in promoted])))}
    for registration in promoted:
        before = _snapshot(registration)
        registration.status, registration.position = REGISTERED, None
        user = users[registration.user_id]
        _audit("classroom.promoted", registration, session, user, actor, before)
        _send("promoted", session, user, registration)
    db.session.flush()
    return promoted


def _audit(action, registration, session, user, actor, before, **extra):
    record_event(action, actor=actor, subject=user, target=f"classroom-session:{session.id}",
                 session_id=session.id, before=before, after=_snapshot(registration), **extra)


def _send(kind, session, user, registration):
    parts = session_parts(session.id)
    title = titles_for(user, [session.course_id]).get(session.course_id, "")
    link = external_url("classroom.session", session_id=session.id)
    attachments = None
    if kind in (REGISTERED, "promoted", CANCELLED):
        attachments = [invitation(session, parts, title=title, url=link, cancelled=kind == CANCELLED,
                                  sequence=registration.calendar_sequence, attendee=(user.full_name, user.email))]
        registration.calendar_sequence += 1
    mail_user(user, "classroom_registration", SUBJECTS[kind], event=kind, session=session, parts=parts, title=title,
              link=link, attachments=attachments)


def _employees(actor, user_ids):
    """The actor's own employees among ``user_ids``; any other id is NotFound, like a missing one."""
    users = list(db.session.scalars(select(User).where(User.id.in_(user_ids), User.company_id == actor.company_id)
                                    .order_by(User.last_name, User.first_name)))
    if len(users) != len(set(user_ids)):
        raise NotFound()
    return users


def register_employees(session, user_ids, *, actor, now=None):
    """A company admin registers several of their employees; returns [(user, status or error message)]."""
    results = []
    for user in _employees(actor, user_ids):
        try:
            results.append((user, register_user(session, user, actor=actor, now=now).status, None))
        except RuleViolation as error:
            results.append((user, None, error.message))
    return results


def unregister_employees(session, user_ids, *, actor, now=None):
    results = []
    for user in _employees(actor, user_ids):
        try:
            cancel_registration(session, user, actor=actor, now=now)
            results.append((user, CANCELLED, None))
        except RuleViolation as error:
            results.append((user, None, error.message))
    return results

