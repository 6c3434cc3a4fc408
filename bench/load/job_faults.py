"""Faults in the middle of background work, for bench/load/faults.py (same portal, services and load):

- postgres-job: PostgreSQL stops for 10 s while a bulk ZIP of 3,000 certificates is a third built.
- redis-job: Redis (broker and rate limits) shuts down without saving for 20 s while that ZIP is being built.
- beat: Celery beat, run on its own as production runs it, is stopped for 90 s while the SMTP server refuses
  every connection for its first 20 s (the mails refused then wait for the sweep that only beat starts); beat
  comes back with its schedule file telling it that the daily 07:00 and 07:15 runs were missed.

After each, the runner's checks (nothing lost, nothing twice) and, for the jobs, the job's attempts, how soon it
was done after the fault ended, and its ZIP: every certificate once.
"""

import re
import shelve
import time
from datetime import timedelta

from bench.load import checks, stack
from bench.load.probe import Probe, login_cookie

JOB_FAULT_LOAD_SECONDS = 90
WARM_UP_SECONDS = 20
MISSED_DAILY = ("certificate-expiry", "reminders")  # beat's 07:00 and 07:15 entries (oscart/tasks/schedule.py)
SENT = re.compile(r"Sending due task ([\w-]+)")


def _probe(run):
    return Probe(run.args.port, login_cookie(run.args.port, run.plan["trainees"][-1], run.plan["password"]))


def during_job(run, name, stop, start, seconds):
    """Load and the probe; a bulk ZIP job started and, once a third is built, ``stop``, ``start`` after
    ``seconds``; then wait for the job and download its file."""
    since = checks.now(run.postgres.url)
    probe = _probe(run)
    locust = run.load(name, JOB_FAULT_LOAD_SECONDS)
    probe.start()
    time.sleep(WARM_UP_SECONDS)  # the simulated users have logged in and are at work
    admin = login_cookie(run.args.port, run.plan["admin"], run.plan["admin_password"])
    job_id = checks.start_bulk_job(run.args.port, admin)
    progress = checks.wait_for_progress(run.postgres.url, job_id)
    down_at = time.monotonic()
    stop()
    time.sleep(seconds)
    start()
    up_at = time.monotonic()
    job = checks.wait_for_job(run.postgres.url, job_id, seconds=420)
    done_after = round(time.monotonic() - up_at)
    locust.wait()
    probe.stop()
    return since, {"probe": probe.windows(down_at, up_at), "job": job, "progress_when_stopped": progress,
                   "seconds_to_done_after_the_fault": done_after,
                   "zip": checks.download_job(run.args.port, admin, job_id)}


def fault_postgres_job(run):
    return during_job(run, "postgres-job", run.postgres.stop, run.postgres.start, 10)


def fault_redis_job(run):
    return during_job(run, "redis-job", run.redis.stop, run.redis.start, 20)


def fault_beat(run, seconds=90, refusing=20):
    """Beat stopped for ``seconds`` under load; mails refused meanwhile wait for the sweep; beat comes back."""
    schedule = run.args.results / "beat-schedule"
    for old in run.args.results.glob("beat-schedule*"):
        old.unlink()
    with run.unsupervised():
        stack.stop(run.worker)
        run.worker = stack.start_worker(run.env, run.log, schedule, new_session=True, beat=False)
    logs = [run.args.results / "beat-before.log", run.args.results / "beat-after.log"]
    with logs[0].open("w") as log:
        beat = stack.start_beat(run.env, log, schedule)
        time.sleep(15)  # beat writes its schedule file
        since = checks.now(run.postgres.url)
        probe = _probe(run)
        locust = run.load("beat", 20 + seconds + 60)
        probe.start()
        time.sleep(20)
        stack.stop(beat)  # as systemd stops it (SIGTERM: the schedule file is saved)
    down_at = time.monotonic()
    run.smtp.refusing = True
    time.sleep(refusing)
    run.smtp.refusing = False
    time.sleep(seconds - refusing)
    backlog = _due_mail(run.postgres.url)
    missed = _miss_daily_runs(schedule)
    with logs[1].open("w") as log:
        beat = stack.start_beat(run.env, log, schedule)
        up_at = time.monotonic()
        caught_up = checks.wait_until_no_due_mail(run.postgres.url, seconds=180)
        locust.wait()
        probe.stop()
        stack.stop(beat)
    with run.unsupervised():
        stack.stop(run.worker)
        run.start_worker()  # the worker with beat inside, as the other faults expect
    sent_after = [SENT.search(line).group(1) for line in logs[1].read_text().splitlines() if SENT.search(line)]
    return since, {"probe": probe.windows(down_at, up_at), "due_mail_when_beat_returned": backlog,
                   "due_mail_sent_after_beat_returned_s": caught_up, "connections_refused": run.smtp.refused,
                   "daily_runs_missed": missed,
                   "sent_after_return": {name: sent_after.count(name) for name in sorted(set(sent_after))}}


def _due_mail(url):
    return checks.scalar(url, "SELECT count(*) FROM outbox_message WHERE status = 'pending' "
                              "AND next_attempt_at <= now() AT TIME ZONE 'utc'")


def _miss_daily_runs(schedule):
    """Beat's schedule file says the daily entries last ran two days ago, as after a night and a day down: on
    its return beat runs each once (not once per missed day)."""
    with shelve.open(str(schedule)) as store:  # noqa: S301 - beat's own file, written by this run
        entries = store["entries"]
        for name in MISSED_DAILY:
            entries[name].last_run_at -= timedelta(days=2)
        store["entries"] = entries
    return list(MISSED_DAILY)
