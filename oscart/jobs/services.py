"""Starting bulk jobs, and the steps of a run: claim, progress, finish or release. Only the owner sees a job.

A run claims its job with one conditional UPDATE (queued, or running with a lapsed lease: its worker died) and
commits every step at once, so the page shows the progress while the job runs. Each step names the claim it
belongs to; a run whose claim was taken over stops without writing anything.
"""

from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import undefer

from oscart.core.database import utcnow
from oscart.core.dispatch import after_commit
from oscart.core.exceptions import NotFound
from oscart.core.extensions import db
from oscart.core.locking import claim_many
from oscart.jobs.models import DONE, FAILED, QUEUED, RUNNING, Job

RUN_TASK = "oscart.jobs.run"
# A running job renews its claim at every step; one not renewed for this long is taken over by the sweep.
LEASE = timedelta(minutes=3)
# A queued job whose task has not started after this long is queued again (its task was lost).
STARTUP_GRACE = timedelta(minutes=2)
# Filled at import time by the features that own the kinds: each one's init_app imports the module whose
# ``@job_kind`` builders run its jobs, so the web process and every worker built by create_app know them all.
_KINDS = {}


@dataclass(frozen=True)
class JobResult:
    name: str
    content_type: str
    data: bytes


class LostClaim(Exception):
    """Another run holds the job now (this one was thought dead): stop without writing."""


class UnknownJobKind(LookupError):
    """No feature registered this kind: the module of its ``@job_kind`` builder was not imported."""


class JobRefused(Exception):
    """The job can no longer be done (its owner lost the right, its data is gone): fail at once, no retry."""


@dataclass(frozen=True)
class Kind:
    build: object
    label: object  # a lazy string: what the job makes, as its page names it
    back_endpoint: str  # the page it was started from
    back_label: object


def job_kind(kind, *, label, back_endpoint, back_label):
    """Register ``func(job, progress) -> JobResult`` as the builder of ``kind``; ``progress(done)`` records
    how far it is (and raises LostClaim when the run lost its claim)."""

    if kind in _KINDS:
        raise ValueError(f"job kind {kind!r} is registered twice")

    def decorator(func):
        _KINDS[kind] = Kind(func, label, back_endpoint, back_label)
        return func

    return decorator


def registered_kinds():
    return sorted(_KINDS)


def kind_of(job):
    try:
        return _KINDS[job.kind]
    except KeyError:
        raise UnknownJobKind(
            f"job kind {job.kind!r} is not registered (registered: {', '.join(registered_kinds()) or 'none'}); "
            "the feature that owns it registers it with @job_kind in a module its init_app imports") from None


def start_job(kind, *, actor, params, total, company_id=None):
    """A new queued job of ``actor``; its task starts when the caller's transaction commits."""
    job = Job(kind=kind, owner_id=actor.id, company_id=company_id, params=params, total=total,
              expires_at=utcnow() + _keep())
    db.session.add(job)
    after_commit(RUN_TASK, row=job)
    return job


def get_job(actor, job_id, *, with_result=False):
    """The actor's own job; anyone else's, or one past its time, is NotFound."""
    query = select(Job).where(Job.id == job_id, Job.owner_id == actor.id, Job.expires_at > utcnow())
    if with_result:
        query = query.options(undefer(Job.result))
    job = db.session.scalar(query)
    if job is None:
        raise NotFound()
    return job


def claim_job(job_id, *, held=None):
    """Take the job for this run; returns the claim number, or None when it is done, failed, held or gone.

    ``held``: the claim of this task's earlier attempt that could not release the job (the database was down):
    the retry takes it back at once instead of waiting for its lease to lapse. Only that claim matches; if the
    sweep took the job over meanwhile, the number differs and the retry stops.
    """
    now = utcnow()
    takeable = or_(Job.status == QUEUED, (Job.status == RUNNING) & (Job.lease_until < now))
    if held is not None:
        takeable = or_(takeable, (Job.status == RUNNING) & (Job.attempts == held))
    claimed = claim_many(update(Job).where(Job.id == job_id, takeable)
        .values(status=RUNNING, attempts=Job.attempts + 1, progress=0, lease_until=now + LEASE, error=None)
        .returning(Job.attempts))
    db.session.commit()
    return claimed[0] if claimed else None


def _step(job_id, claim, **values):
    held = claim_many(update(Job).where(Job.id == job_id, Job.attempts == claim, Job.status == RUNNING)
                      .values(**values).returning(Job.id))
    db.session.commit()
    return bool(held)


def report_progress(job_id, claim, done):
    if not _step(job_id, claim, progress=done, lease_until=utcnow() + LEASE):
        raise LostClaim()


def finish_job(job_id, claim, result):
    """Store the result; False when the claim was lost (the other run stores it)."""
    now = utcnow()
    return _step(job_id, claim, status=DONE, progress=Job.total, lease_until=None, finished_at=now,
                 expires_at=now + _keep(), result=result.data, result_name=result.name,
                 result_type=result.content_type, result_size=len(result.data))


def release_job(job_id, claim, *, error, final):
    """After a failed run: queued again for the retry, or failed for good when ``final``."""
    now = utcnow()
    values = {"status": FAILED, "finished_at": now, "expires_at": now + _keep()} if final else {"status": QUEUED}
    return _step(job_id, claim, lease_until=None, error=error[:200], **values)


def stalled_jobs(now=None):
    """Ids of jobs whose task was lost (queued too long) or whose worker died (lease lapsed)."""
    now = now or utcnow()
    return db.session.scalars(select(Job.id).where(or_(
        (Job.status == QUEUED) & (Job.created_at < now - STARTUP_GRACE),
        (Job.status == RUNNING) & (Job.lease_until < now))).order_by(Job.id)).all()


def purge_expired(now=None):
    """Delete the jobs (and their files) past their time; returns how many. The caller commits."""
    now = now or utcnow()
    return db.session.execute(delete(Job).where(Job.expires_at <= now, Job.status.in_((DONE, FAILED, QUEUED)))
                              .execution_options(synchronize_session=False)).rowcount


def _keep():
    return timedelta(hours=current_app.config["JOB_RESULT_HOURS"])
