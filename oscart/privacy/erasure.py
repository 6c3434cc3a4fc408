"""Carrying out erasure and restriction: one transaction, every registered feature."""

from sqlalchemy import event

from oscart.audit.services import record_event
from oscart.auth.services import revoke_all_sessions
from oscart.core import personal_data as registry
from oscart.core.database import utcnow
from oscart.core.extensions import db
from oscart.mail.models import FAILED, SENT, OutboxMessage
from oscart.privacy.core_data import FAREWELL_TEMPLATE, erase_profile, placeholder_email
from oscart.privacy.free_text import scrub_free_texts


def erase_user(user, *, actor, legal_hold=False):
    """Anonymise the person in every registered table, then the account itself; returns rows changed.

    With ``legal_hold`` the erasers keep what the law obliges us to keep (identity and training records),
    closed and hidden; everything else goes.
    """
    if user.is_anonymised:
        return 0
    revoke_all_sessions(user)
    changed = 0
    for _key, func in registry.erasers().items():
        changed += func(user, legal_hold=legal_hold) or 0
    changed += scrub_free_texts(user, legal_hold=legal_hold)
    changed += erase_profile(user, legal_hold=legal_hold, now=utcnow())
    db.session.flush()
    record_event("privacy.erased", actor=actor, subject=user, legal_hold=legal_hold, rows=changed)
    return changed


def restrict_user(user, *, actor):
    """Storage only: no marketing, hidden from company lists and searches. False when already restricted."""
    if user.is_restricted:
        return False
    user.is_restricted = True
    record_event("privacy.restricted", actor=actor, subject=user)
    return True


@event.listens_for(OutboxMessage.status, "set")
def _forget_after_sending(message, value, oldvalue, initiator):
    if message.template == FAREWELL_TEMPLATE and value in (SENT, FAILED):
        message.recipient = placeholder_email(message.user_id)
        message.subject = ""
        message.body_text = ""
        message.body_html = None
