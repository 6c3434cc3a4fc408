"""Bulk jobs: run one (acknowledged late, retried with back-off), take over stalled ones, purge old results."""

import logging

from celery import shared_task
from sqlalchemy.exc import OperationalError

from oscart.core.extensions import db
from oscart.jobs import services
from oscart.jobs.models import Job

log = logging.getLogger(__name__)

MAX_RETRIES = 4


def backoff(retries):
    """Seconds before retry ``retries + 1``: 10, 40, 160, 640."""
    return 10 * 4 ** retries


@shared_task(name=services.RUN_TASK, bind=True, acks_late=True, max_retries=MAX_RETRIES, ignore_result=True)
def run(self, job_id, claim=None):
    """Build the job's result once. A second delivery of the same task (a worker killed, the sweep) finds the
    job done or held by a live run and does nothing. ``claim``: this task's own claim, which its earlier attempt
    could not release because the database was down; the retry takes it back."""
    try:
        claim = services.claim_job(job_id, held=claim)
    except OperationalError as exc:  # the database does not answer: try again later, still holding the claim
        db.session.rollback()
        raise self.retry(exc=exc, countdown=backoff(self.request.retries), kwargs={"claim": claim}) from exc
    if claim is None:
        return None
    job = db.session.get(Job, job_id)
    try:
        result = services.kind_of(job).build(job, lambda done: services.report_progress(job_id, claim, done))
    except services.LostClaim:
        db.session.rollback()
        return None
    except services.JobRefused as refused:
        db.session.rollback()
        services.release_job(job_id, claim, error=str(refused) or "refused", final=True)
        return None
    except Exception as exc:
        db.session.rollback()
        return _failed(self, job_id, claim, exc)
    services.finish_job(job_id, claim, result)
    return job_id


def _failed(task, job_id, claim, exc):
    """Queue the job again and retry with back-off, or fail it for good after the last retry. When the database
    is what failed, the job cannot even be released: the retry keeps the claim and takes it back."""
    final = task.request.retries >= task.max_retries
    held = None
    try:
        services.release_job(job_id, claim, error=f"{type(exc).__name__}: {exc}", final=final)
    except OperationalError:
        db.session.rollback()
        log.warning("Job %s could not be released (database unreachable); its retry keeps claim %s", job_id, claim)
        held = claim
    if final:
        log.exception("Job %s failed after %s attempts", job_id, claim)
        return None
    raise task.retry(exc=exc, countdown=backoff(task.request.retries), kwargs={"claim": held}) from exc


@shared_task(name="oscart.jobs.resume", ignore_result=True)
def resume():
    """Start again the jobs whose task was lost (Redis down when queued) or whose worker died mid-way."""
    stalled = services.stalled_jobs()
    for job_id in stalled:
        run.delay(job_id)
    return len(stalled)


@shared_task(name="oscart.jobs.purge", ignore_result=True)
def purge():
    """Delete the jobs and files past their time (JOB_RESULT_HOURS after they finished)."""
    count = services.purge_expired()
    db.session.commit()
    return count
