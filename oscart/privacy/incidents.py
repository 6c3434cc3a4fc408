"""Data incidents: recorded by platform admins, the affected people notified in their language."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, or_, select

from oscart.accounts.models import User
from oscart.audit.services import record_event
from oscart.core.database import get_or_raise, utcnow
from oscart.core.exceptions import RuleViolation
from oscart.core.extensions import db
from oscart.core.i18n import LANGUAGES, pick_translation
from oscart.mail.services import mail_user
from oscart.privacy.models import Incident, IncidentNotice


def list_incidents():
    notices = (select(func.count(IncidentNotice.id)).where(IncidentNotice.incident_id == Incident.id)
               .scalar_subquery())
    return select(Incident.id, Incident.title, Incident.occurred_at, Incident.created_at, Incident.notified_at,
                  notices.label("notified")).order_by(Incident.occurred_at.desc())


def get_incident(incident_id):
    return get_or_raise(Incident, incident_id)


def record_incident(*, actor, title, occurred_at, categories, texts, company_ids, user_ids):
    texts = {code: (texts.get(code) or "").strip() for code in LANGUAGES if (texts.get(code) or "").strip()}
    if not texts:
        raise RuleViolation(_l("Describe the incident for the people affected in at least one language."),
                            "text_nl")
    if not categories:
        raise RuleViolation(_l("Choose the categories of data involved."), "categories")
    if not company_ids and not user_ids:
        raise RuleViolation(_l("Choose the companies or the people affected."), "company_ids")
    incident = Incident(title=title.strip(), occurred_at=occurred_at, categories=list(categories), texts=texts,
                        company_ids=sorted(set(company_ids)), user_ids=sorted(set(user_ids)),
                        created_by_id=actor.id, created_at=utcnow())
    db.session.add(incident)
    db.session.flush()
    record_event("privacy.incident_recorded", actor=actor, target=f"incident:{incident.id}")
    return incident


def affected_users(incident):
    """People affected who have not been notified yet (restricted people too: the law requires it)."""
    notified = exists().where(IncidentNotice.incident_id == incident.id, IncidentNotice.user_id == User.id)
    return select(User).where(
        or_(User.company_id.in_(incident.company_ids or [-1]), User.id.in_(incident.user_ids or [-1])),
        User.is_anonymised.is_(False), ~notified).order_by(User.id)


def list_notices(incident):
    return (select(IncidentNotice.at, IncidentNotice.language, User.first_name, User.last_name, User.email)
            .join(User, User.id == IncidentNotice.user_id)
            .where(IncidentNotice.incident_id == incident.id).order_by(IncidentNotice.id))


def notify_incident(incident, *, actor, category_labels):
    """Mail every affected person not yet notified, in their language; returns how many were notified."""
    users = db.session.scalars(affected_users(incident)).all()
    for user in users:
        text = incident.texts[pick_translation(incident.texts, user.language)]
        message = mail_user(user, "privacy_incident", _l("Important: an incident involving your personal data"),
                            text=text, occurred_at=incident.occurred_at,
                            categories=[category_labels.get(key, key) for key in incident.categories])
        db.session.flush()
        db.session.add(IncidentNotice(incident_id=incident.id, user_id=user.id, message_id=message.id,
                                      language=user.language, at=utcnow()))
    if users:
        incident.notified_at = utcnow()
        record_event("privacy.incident_notified", actor=actor, target=f"incident:{incident.id}",
                     recipients=len(users))
    return len(users)
