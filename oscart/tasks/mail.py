"""Outbox delivery: each message right after the commit that queued it, and a sweep for anything left."""

from celery import shared_task

from oscart.mail.services import DELIVER_TASK, deliver_pending, sweep_outbox


@shared_task(name=DELIVER_TASK, ignore_result=True)
def deliver(message_id):
    """Send one message if it is still due; a message already sent or claimed by the sweep is left alone."""
    return deliver_pending(ids=[message_id])


@shared_task(name="oscart.mail.sweep", ignore_result=True)
def sweep():
    """Send every due message: those whose task was lost (Redis down, worker restarted) and retries."""
    return sweep_outbox()
