"""What the portal reports to Prometheus beyond requests: sign-in failures and lockouts (counted as the
audit trail records them) and the outbox backlog (read when scraped)."""

from sqlalchemy import func, select

from oscart.core import metrics
from oscart.core.extensions import db
from oscart.core.signals import event_recorded
from oscart.mail.models import PENDING, OutboxMessage

COUNTERS = {"login.failed": metrics.LOGIN_FAILURES, "login.locked": metrics.LOCKOUTS}


@event_recorded.connect
def count_sign_in_event(action, **extra):
    counter = COUNTERS.get(action)
    if counter is not None:
        counter.inc()


@metrics.gauge("oscart_outbox_pending_messages", "Mails queued in the outbox and not yet sent.")
def outbox_backlog():
    return db.session.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == PENDING))
