"""Versions of the privacy statement: publishing one, and showing each user what changed once."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, select

from oscart.audit.services import record_event
from oscart.core.database import utcnow
from oscart.core.exceptions import RuleViolation
from oscart.core.extensions import db
from oscart.core.i18n import LANGUAGES, pick_translation
from oscart.privacy import policy
from oscart.privacy.models import PolicyAcknowledgement, PolicyVersion


def current_version():
    return db.session.scalar(select(PolicyVersion).order_by(PolicyVersion.number.desc()).limit(1))


def list_versions():
    return select(PolicyVersion).order_by(PolicyVersion.number.desc())


def summary_in(version, language):
    code = pick_translation(version.summaries or {}, language)
    return version.summaries[code] if code else ""


def is_configuration_changed():
    """True when the policy configuration differs from what the current version published."""
    version = current_version()
    return version is None or version.fingerprint != policy.fingerprint()


def publish_version(*, actor, summaries):
    """Publish the next version; ``summaries`` {language: what changed} must cover every language."""
    cleaned = {code: (summaries.get(code) or "").strip() for code in LANGUAGES}
    for code, text in cleaned.items():
        if not text:
            raise RuleViolation(_l("Describe the changes in every language."), f"summary_{code}")
    previous = current_version()
    version = PolicyVersion(number=(previous.number + 1) if previous else 1, published_at=utcnow(),
                            published_by_id=actor.id if actor else None, fingerprint=policy.fingerprint(),
                            summaries=cleaned)
    db.session.add(version)
    db.session.flush()
    record_event("privacy.statement_published", actor=actor, target=f"version:{version.number}")
    return version


def pending_version(user):
    """The current version when the user has not seen it yet (accounts created after it have)."""
    version = current_version()
    if version is None or user.created_at >= version.published_at:
        return None
    seen = db.session.scalar(select(exists().where(PolicyAcknowledgement.user_id == user.id,
                                                   PolicyAcknowledgement.version_id == version.id)))
    return None if seen else version


def acknowledge_version(user, version_number):
    """Record that the user has read what changed; False when already recorded (or no such version)."""
    version = db.session.scalar(select(PolicyVersion).where(PolicyVersion.number == version_number))
    if version is None:
        return False
    seen = db.session.scalar(select(exists().where(PolicyAcknowledgement.user_id == user.id,
                                                   PolicyAcknowledgement.version_id == version.id)))
    if seen:
        return False
    db.session.add(PolicyAcknowledgement(user_id=user.id, version_id=version.id, at=utcnow()))
    return True
