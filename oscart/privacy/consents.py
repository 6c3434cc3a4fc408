"""Consents: recorded append-only, the latest record per purpose is the current state."""

from blinker import Namespace
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from oscart.audit.services import record_event
from oscart.auth.models import UserSession
from oscart.core.database import utcnow
from oscart.core.exceptions import RuleViolation
from oscart.core.extensions import db
from oscart.privacy import policy
from oscart.privacy.models import Consent, PolicyVersion

# Sent after a consent was withdrawn (sender: the user, purpose=, actor=); e.g. two-step may listen.
consent_withdrawn = Namespace().signal("consent-withdrawn")


def current_version_number():
    return db.session.scalar(select(func.max(PolicyVersion.number)))


def current_consents(user_id):
    """{purpose: latest Consent row} for one user, in one query."""
    latest = (select(func.max(Consent.id)).where(Consent.user_id == user_id)
              .group_by(Consent.purpose))
    rows = db.session.scalars(select(Consent).where(Consent.id.in_(latest)))
    return {row.purpose: row for row in rows}


def has_consent(user_id, purpose):
    row = current_consents(user_id).get(purpose)
    return bool(row and row.is_granted)


def consenting_user_ids(purpose):
    """A select of the ids of users whose latest record for ``purpose`` is a grant."""
    latest = (select(func.max(Consent.id)).where(Consent.purpose == purpose)
              .group_by(Consent.user_id))
    return select(Consent.user_id).where(Consent.id.in_(latest), Consent.is_granted.is_(True))


def list_history(user_id):
    return select(Consent.id, Consent.purpose, Consent.is_granted, Consent.at, Consent.ip,
                  Consent.statement_version, Consent.source).where(Consent.user_id == user_id).order_by(
        Consent.at.desc(), Consent.id.desc())


def record_consent(user, purpose, granted, *, actor, ip, source="privacy_page"):
    """Append a grant or withdrawal; None (nothing recorded) when the state is already that."""
    if purpose not in policy.CONSENT_PURPOSES:
        raise RuleViolation(_l("This purpose does not ask for consent."))
    current = current_consents(user.id).get(purpose)
    if (current is not None and current.is_granted) == granted:
        return None
    consent = Consent(user_id=user.id, purpose=purpose, is_granted=granted, at=utcnow(), ip=ip,
                      statement_version=current_version_number(), source=source)
    db.session.add(consent)
    record_event("consent.granted" if granted else "consent.withdrawn", actor=actor, subject=user,
                 target=purpose, source=source)
    if not granted:
        _after_withdrawal(user, purpose)
        consent_withdrawn.send(user, purpose=purpose, actor=actor)
    return consent


def _after_withdrawal(user, purpose):
    if purpose == policy.REMEMBER_ME:
        # Remembered logins rest on this consent: they end with it.
        db.session.execute(update(UserSession)
                           .where(UserSession.user_id == user.id, UserSession.is_remembered.is_(True),
                                  UserSession.revoked_at.is_(None))
                           .values(revoked_at=utcnow()))


def withdraw_marketing(user, *, actor, ip, source):
    """Withdraw every direct-marketing consent; returns the purposes actually withdrawn."""
    return [purpose for purpose in policy.MARKETING_PURPOSES
            if record_consent(user, purpose, False, actor=actor, ip=ip, source=source) is not None]
