"""Bulk jobs: run one (acknowledged late, retried with back-off), take over stalled ones, purge old results."""

import logging

from celery import shared_task

from oscart.core.extensions import db
from oscart.jobs import services
from oscart.jobs.models import Job

log = logging.getLogger(__name__)

MAX_RETRIES = 4


def backoff(retries):
    """Seconds before retry ``retries + 1``: 10, 40, 160, 640."""
    return 10 * 4 ** retries


@shared_task(name=services.RUN_TASK, bind=True, acks_late=True, max_retries=MAX_RETRIES, ignore_result=True)
def run(self, job_id):
    """Build the job's result once. A second delivery of the same task (a worker killed, the sweep) finds the
    job done or held by a live run and does nothing."""
    claim = services.claim_job(job_id)
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
        final = self.request.retries >= self.max_retries
        services.release_job(job_id, claim, error=f"{type(exc).__name__}: {exc}", final=final)
        if final:
            log.exception("Job %s failed after %s attempts", job_id, claim)
            return None
        raise self.retry(exc=exc, countdown=backoff(self.request.retries)) from exc
    services.finish_job(job_id, claim, result)
    return job_id


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
