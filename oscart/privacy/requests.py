"""Data-subject requests: filed by the person, decided by a platform admin, carried out by the portal."""

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from oscart.accounts.models import User
from oscart.audit.services import record_event
from oscart.core.database import get_or_raise, utcnow
from oscart.core.exceptions import PermissionDenied, RuleViolation
from oscart.core.extensions import db
from oscart.core.locking import lock
from oscart.mail.services import mail_user
from oscart.privacy import policy
from oscart.privacy.consents import withdraw_marketing
from oscart.privacy.core_data import FAREWELL_TEMPLATE
from oscart.privacy.erasure import erase_user, restrict_user
from oscart.privacy.models import (
    ERASE,
    GRANTED,
    OBJECT,
    OBJECT_MARKETING,
    OPEN,
    REFUSED,
    REQUEST_KINDS,
    RESTRICT,
    PrivacyRequest,
)

KIND_LABELS = {
    "rectify": _l("Correct my data"),
    "erase": _l("Erase my data"),
    "restrict": _l("Restrict processing of my data"),
    "object": _l("Object to processing of my data"),
    "object_marketing": _l("Object to direct marketing"),
}
STATUS_LABELS = {OPEN: _l("Open"), GRANTED: _l("Granted"), REFUSED: _l("Refused")}
ALREADY_DECIDED = _l("This request has already been decided; nothing was changed.")


def file_request(user, *, kind, motivation, ip):
    """File a request. An objection to direct marketing takes effect at once, without review."""
    if kind not in REQUEST_KINDS:
        raise RuleViolation(_l("Choose one of the offered requests."), "kind")
    motivation = (motivation or "").strip()
    if kind != OBJECT_MARKETING and not motivation:
        raise RuleViolation(_l("Tell us why you make this request."), "motivation")
    lock(user)  # one open request of a kind, also when the form is sent twice at once
    duplicate = db.session.scalar(select(PrivacyRequest.id).where(
        PrivacyRequest.user_id == user.id, PrivacyRequest.kind == kind, PrivacyRequest.status == OPEN))
    if duplicate is not None:
        raise RuleViolation(_l("You already have an open request of this kind."), "kind")
    now = utcnow()
    request = PrivacyRequest(user_id=user.id, kind=kind, motivation=motivation, created_at=now,
                             due_at=now + timedelta(days=policy.REQUEST_DEADLINE_DAYS))
    db.session.add(request)
    db.session.flush()
    record_event("privacy.request_filed", actor=user, subject=user, target=f"request:{request.id}", kind=kind)
    if kind == OBJECT_MARKETING:
        withdraw_marketing(user, actor=user, ip=ip, source="objection")
        request.status, request.decided_at = GRANTED, now
    return request


def list_own_requests(user):
    return (select(PrivacyRequest.id, PrivacyRequest.kind, PrivacyRequest.status, PrivacyRequest.created_at,
                   PrivacyRequest.due_at, PrivacyRequest.decided_at, PrivacyRequest.decision_reason)
            .where(PrivacyRequest.user_id == user.id).order_by(PrivacyRequest.id.desc()))


def list_queue(*, status=OPEN):
    """Requests for the platform admins' queue, earliest deadline first."""
    query = (select(PrivacyRequest.id, PrivacyRequest.kind, PrivacyRequest.status, PrivacyRequest.created_at,
                    PrivacyRequest.due_at, PrivacyRequest.decided_at, User.first_name, User.last_name,
                    User.email, User.is_anonymised)
             .join(User, User.id == PrivacyRequest.user_id))
    if status == OPEN:
        return query.where(PrivacyRequest.status == OPEN).order_by(PrivacyRequest.due_at, PrivacyRequest.id)
    return query.where(PrivacyRequest.status != OPEN).order_by(PrivacyRequest.decided_at.desc())


def get_request(request_id):
    return get_or_raise(PrivacyRequest, request_id)


def decide_request(request, *, actor, grant, reason, legal_hold=False):
    """Grant or refuse with a reason mailed to the person; a granted request is carried out at once."""
    lock(request)  # decided once, also when two admins decide at the same moment
    if not request.is_open:
        raise RuleViolation(ALREADY_DECIDED)
    if request.user_id == actor.id:
        raise PermissionDenied()
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation(_l("Give the reason for your decision; the person receives it."), "reason")
    user = db.session.get(User, request.user_id)
    request.status = GRANTED if grant else REFUSED
    request.decided_by_id, request.decided_at = actor.id, utcnow()
    request.decision_reason, request.has_legal_hold = reason, legal_hold
    record_event("privacy.request_decided", actor=actor, subject=user, target=f"request:{request.id}",
                 kind=request.kind, granted=grant, legal_hold=legal_hold)
    template = FAREWELL_TEMPLATE if grant and request.kind == ERASE else "privacy_request_decided"
    mail_user(user, template, _l("Your privacy request has been decided"), request=request,
              kind_label=KIND_LABELS[request.kind], reason=reason, granted=grant)
    if grant:
        _carry_out(request, user, actor)
    return request


def _carry_out(request, user, actor):
    if request.kind == ERASE:
        erase_user(user, actor=actor, legal_hold=request.has_legal_hold)
    elif request.kind in (RESTRICT, OBJECT):
        restrict_user(user, actor=actor)
