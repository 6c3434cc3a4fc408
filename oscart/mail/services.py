"""Queueing mail in the outbox and delivering it."""

import base64
import re
from datetime import timedelta

from flask import current_app, render_template
from sqlalchemy import select, update

from oscart.core.database import utcnow
from oscart.core.dispatch import after_commit
from oscart.core.extensions import db
from oscart.core.i18n import force_locale
from oscart.core.locking import claim_many, unclaimed
from oscart.mail import backends
from oscart.mail.models import FAILED, PENDING, SENT, TRANSACTIONAL, OutboxMessage

# The task that sends one message right after the commit that queued it (oscart.tasks.mail).
DELIVER_TASK = "oscart.mail.deliver"


def queue_mail(template, *, to, language, subject, user=None, kind=TRANSACTIONAL, headers=None, attachments=None,
               **context):
    """Render ``mail/<template>.txt`` and ``.html`` in ``language`` and add them to the outbox.

    ``subject`` is a lazy string so that it is translated in the recipient's language.
    ``attachments``: ``(filename, content_type, bytes)`` tuples, kept small (they live in the outbox row).
    """
    with force_locale(language):
        context = {"user": user, "language": language, **context}
        text = render_text(f"mail/{template}.txt", **context)
        html = render_template(f"mail/{template}.html", **context)
        subject = str(subject)
    message = OutboxMessage(
        user_id=user.id if user is not None else None,
        recipient=to,
        kind=kind,
        template=template,
        language=language,
        subject=subject,
        body_text=text,
        body_html=html,
        headers=headers,
        attachments=[encode_attachment(*item) for item in attachments] if attachments else None,
    )
    db.session.add(message)
    if current_app.config["MAIL_DELIVER_INLINE"]:
        after_commit(DELIVER_TASK, row=message)
    return message


_BLANK_LINES = re.compile(r"\n(?:[ \t]*\n){2,}")


def render_text(name, **context):
    """A plain-text template rendered as written: its line breaks are the mail's layout.

    Pages render with ``trim_blocks``, which drops the line break after every ``{% … %}`` tag and so glues a
    paragraph or list item to the line before it. Here tags keep the text's line breaks; a run of blank lines
    that an empty condition leaves becomes one.
    """
    environment = current_app.extensions.get("oscart_text_templates")
    if environment is None:
        environment = current_app.extensions["oscart_text_templates"] = current_app.jinja_env.overlay(
            trim_blocks=False, lstrip_blocks=False, cache_size=100)
    text = render_template(environment.get_template(name), **context)
    return _BLANK_LINES.sub("\n\n", text).strip("\n") + "\n"


def encode_attachment(filename, content_type, data):
    return {"filename": filename, "content_type": content_type, "data": base64.b64encode(data).decode("ascii")}


def mail_user(user, template, subject, **context):
    return queue_mail(template, to=user.email, language=user.language, subject=subject, user=user, **context)


# A message being sent is not due for anyone else for this long: workers delivering at the same moment never send
# one twice, and a message whose sender died on the way goes out again afterwards.
SENDING_LEASE = timedelta(minutes=5)


def _claim_due(limit, ids=None):
    """Due messages for this worker alone, claimed and committed before anything is sent.

    The due rows are read with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so workers sweeping at the same moment
    take different messages instead of waiting for each other; the conditional UPDATE then sets the lease.
    """
    now = utcnow()
    query = (select(OutboxMessage.id).where(OutboxMessage.status == PENDING, OutboxMessage.next_attempt_at <= now)
             .order_by(OutboxMessage.id).limit(limit))
    if ids is not None:
        query = query.where(OutboxMessage.id.in_(ids))
    due = db.session.scalars(unclaimed(query)).all()
    if not due:
        db.session.commit()
        return []
    claimed = claim_many(update(OutboxMessage)
                         .where(OutboxMessage.id.in_(due), OutboxMessage.status == PENDING,
                                OutboxMessage.next_attempt_at <= now)
                         .values(next_attempt_at=now + SENDING_LEASE).returning(OutboxMessage.id))
    db.session.commit()
    return db.session.scalars(select(OutboxMessage).where(OutboxMessage.id.in_(claimed))
                              .order_by(OutboxMessage.id)).all()


def deliver_pending(limit=50, *, ids=None):
    """Send due messages (only those of ``ids`` when given); a failure is retried later with exponential
    back-off. Returns (sent, failed).

    Commits the claim of a batch and then its outcome: it is a worker step, not part of a request's change.
    """
    sent = failed = 0
    backend = backends.get_backend(current_app.config["MAIL_BACKEND"])
    for message in _claim_due(limit, ids):
        message.attempts += 1
        try:
            backend.send(message, current_app.config)
        except Exception as exc:  # noqa: BLE001 - any transport error is retried
            failed += 1
            message.last_error = str(exc)[:500]
            if message.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
                message.status = FAILED
            else:
                message.next_attempt_at = utcnow() + timedelta(seconds=30 * 2 ** (message.attempts - 1))
        else:
            sent += 1
            message.status = SENT
            message.sent_at = utcnow()
            message.last_error = None
        # Each outcome is committed at once: a worker that dies later in the batch sends none of these again.
        db.session.commit()
    return sent, failed


def sweep_outbox(batch=50):
    """Deliver everything due, batch after batch, until nothing is left; returns (sent, failed)."""
    sent = failed = 0
    while True:
        batch_sent, batch_failed = deliver_pending(batch)
        sent, failed = sent + batch_sent, failed + batch_failed
        if batch_sent + batch_failed < batch:
            return sent, failed
