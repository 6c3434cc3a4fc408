"""Once through a real Celery worker (a subprocess, solo pool) where Redis answers: a mail queued by a commit is
delivered once, and a bulk job completes once, also when its task is delivered twice.

Set TEST_REDIS_URL (``.ci/run`` does when Redis answers); the worker uses database 5 of that server.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from sqlalchemy import select

from config import TestingConfig
from oscart.core.extensions import db
from oscart.core.security import COMPANY_ADMIN
from oscart.jobs import services as jobs
from oscart.jobs.models import DONE, Job
from oscart.mail.models import SENT, OutboxMessage
from oscart.mail.services import mail_user
from tests.factories import make_certificate, make_company, make_course, make_user

ROOT = Path(__file__).resolve().parents[1]
WAIT_SECONDS = 60


def _broker_url():
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.skip("TEST_REDIS_URL is not set: no Redis to run a real Celery worker against")
    parts = urlsplit(url)
    url = urlunsplit((parts.scheme, parts.netloc, "/5", parts.query, parts.fragment))
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).flushdb()  # no task left from an earlier run
    except redis.RedisError as error:
        pytest.skip(f"Redis at {url} does not answer ({error}): no real Celery worker")
    return url


@pytest.fixture
def worker(app, make_app, tmp_path):
    """A Celery worker on the test database, and an app that queues tasks for it instead of running them."""
    broker = _broker_url()
    env = {**os.environ, "OSCART_ENV": "development", "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
           "CELERY_BROKER_URL": broker, "CELERY_TASK_ALWAYS_EAGER": "0", "MAIL_BACKEND": "file",
           "MAIL_FILE_DIR": str(tmp_path / "mail"), "LOG_FORMAT": "text", "LOG_LEVEL": "WARNING"}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    log = (tmp_path / "worker.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "oscart.tasks.worker", "worker", "--pool", "solo",
         "--queues", "default,bulk", "--without-gossip", "--without-mingle", "--without-heartbeat",
         "--loglevel", "INFO"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    queuing = make_app(CELERY={**TestingConfig.CELERY, "task_always_eager": False, "broker_url": broker})
    try:
        with queuing.app_context():
            yield queuing, tmp_path / "mail", process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()
    print((tmp_path / "worker.log").read_text()[-3000:])


def _until(check, process):
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        db.session.expire_all()
        value = check()
        db.session.rollback()
        if value:
            return value
        assert process.poll() is None, "the worker stopped"
        time.sleep(0.2)
    raise AssertionError("the worker did not do it in time")


def test_a_real_worker_delivers_a_mail_once_and_completes_a_job_once(worker):
    queuing, mail_dir, process = worker
    celery = queuing.extensions["celery"]

    user = make_user()
    mail_user(user, "password_reset", "Subject", link="https://x", minutes=5)
    db.session.commit()  # the delivery task goes to Redis now
    message = _until(lambda: db.session.scalar(select(OutboxMessage).where(OutboxMessage.status == SENT)),
                     process)
    celery.send_task("oscart.mail.deliver", args=[message.id])  # delivered twice: sent once
    celery.send_task("oscart.mail.sweep")

    company = make_company()
    admin = make_user(role=COMPANY_ADMIN, company=company)
    course = make_course()
    ids = [make_certificate(make_user(company=company), course).id for _ in range(3)]
    job = jobs.start_job("certificates.zip", actor=admin, params={"ids": ids}, total=3, company_id=company.id)
    db.session.commit()  # the job's task goes to the bulk queue now
    job_id = job.id
    done = _until(lambda: db.session.scalar(select(Job).where(Job.id == job_id, Job.status == DONE)), process)
    finished_at = done.finished_at
    celery.send_task(jobs.RUN_TASK, args=[job_id])  # a second delivery of the same job
    celery.send_task("oscart.jobs.resume")
    time.sleep(3)

    db.session.expire_all()
    job = db.session.get(Job, job_id)
    assert (job.status, job.attempts, job.progress, job.finished_at) == (DONE, 1, 3, finished_at)
    assert job.result[:2] == b"PK" and job.result_size == len(job.result)
    # The reset mail and the three certificate notices: each sent once, one file each.
    messages = db.session.execute(select(OutboxMessage.status, OutboxMessage.attempts)).all()
    assert len(messages) == 4 and set(messages) == {(SENT, 1)}
    assert len(list(mail_dir.glob("*.eml"))) == 4
