"""Inline delivery of mail once the request's transaction has committed (development and tests)."""

from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from oscart.core.extensions import db
from oscart.mail.services import deliver_pending


@event.listens_for(Session, "after_commit")
def _mark_ready(session):
    if session.info.pop("outbox_dirty", False):
        session.info["outbox_ready"] = True


@event.listens_for(Session, "after_soft_rollback")
def _forget_queued(session, previous_transaction):
    session.info.pop("outbox_dirty", None)


def deliver_after_request(response):
    if current_app.config["MAIL_DELIVER_INLINE"] and db.session.info.pop("outbox_ready", False):
        deliver_pending()
    return response
