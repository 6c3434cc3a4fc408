"""The messages the portal sent a person, as they see them on their privacy page."""

from sqlalchemy import select

from oscart.core.exceptions import NotFound
from oscart.core.extensions import db
from oscart.mail.models import OutboxMessage


def list_own_messages(user):
    return (select(OutboxMessage.id, OutboxMessage.subject, OutboxMessage.kind, OutboxMessage.created_at,
                   OutboxMessage.sent_at)
            .where(OutboxMessage.user_id == user.id).order_by(OutboxMessage.id.desc()))


def get_own_message(user, message_id):
    """One of the user's messages; someone else's id is NotFound, like a missing one."""
    row = db.session.execute(select(OutboxMessage.subject, OutboxMessage.body_text, OutboxMessage.created_at,
                                    OutboxMessage.sent_at, OutboxMessage.kind)
                             .where(OutboxMessage.id == message_id, OutboxMessage.user_id == user.id)).first()
    if row is None:
        raise NotFound()
    return row
