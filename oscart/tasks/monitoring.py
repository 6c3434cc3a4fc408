"""Gauges for Prometheus (read when /metrics is scraped): unfinished bulk jobs, and the tasks waiting in each
Celery queue (-1 when the broker does not answer)."""

import logging

from flask import current_app
from sqlalchemy import func, select

from oscart.core import metrics
from oscart.core.extensions import db
from oscart.jobs.models import QUEUED, RUNNING, Job

log = logging.getLogger(__name__)

QUEUES = ("default", "bulk")


@metrics.gauge("oscart_jobs_unfinished", "Bulk jobs queued or running.")
def unfinished_jobs():
    return db.session.scalar(select(func.count()).select_from(Job).where(Job.status.in_((QUEUED, RUNNING))))


def waiting_tasks(queue):
    celery = current_app.extensions["celery"]
    if celery.conf.task_always_eager:
        return 0  # tasks run where they are queued: nothing waits
    try:
        with celery.connection_for_read() as connection:
            # Redis keeps a queue as a list under its name (none yet: 0).
            return connection.default_channel.client.llen(queue)
    except Exception:  # noqa: BLE001 - the broker does not answer
        log.warning("Celery queue %s could not be measured", queue, exc_info=True)
        return -1


for _queue in QUEUES:
    metrics.gauge(f"oscart_task_queue_{_queue}_messages", f"Tasks waiting in Celery's {_queue} queue.")(
        lambda queue=_queue: waiting_tasks(queue))
