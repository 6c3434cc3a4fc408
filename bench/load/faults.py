"""Faults, scripted and repeatable, each while a smaller load runs (20 simulated users of bench/load/locustfile.py):

    .venv/bin/python -m bench.load.faults                          # all seven, about 25 minutes
    .venv/bin/python -m bench.load.faults --only postgres --only smtp
    .venv/bin/python -m bench.load.faults --users 50 --only postgres-job --only redis-job --only beat

The portal runs as in the load test (gunicorn with 4 workers, a Celery worker with beat), but on a PostgreSQL
cluster, a Redis server and an SMTP server of the run's own (bench/load/services.py), so that stopping them
disturbs nobody else. A probe asks every half second for /healthz, /readyz, a logged-in page and a login (an
unknown address, from an address of its own each time) and records every answer.

- postgres: the database stops (``pg_ctl stop -m fast``) for 10 s and starts again; the portal is not restarted.
- redis: Redis (broker and rate limits) shuts down without saving for 20 s and starts again.
- smtp: the mail server answers every connection with 421 for 90 s, then accepts again.
- worker: the Celery worker is killed (SIGKILL, with its pool) while a bulk ZIP of 3,000 certificates is being
  built; a new worker is started.
- postgres-job, redis-job, beat: PostgreSQL or Redis stopped while a bulk job is being built, Celery beat down
  for a while (bench/load/job_faults.py).

After each: nothing lost and nothing twice — every outbox message sent and received exactly once (Message-ID),
every lesson marked done both in its table and in the audit trail, progress consistent with the lessons done,
the audit chain intact, the bulk job done once with each certificate once in its ZIP.
"""

import argparse
import json
import os
import signal
import subprocess
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from bench.load import checks, job_faults, stack
from bench.load.probe import Probe, login_cookie
from bench.load.services import Postgres, Redis, SmtpServer

FAULTS = ("postgres", "redis", "smtp", "worker", "postgres-job", "redis-job", "beat")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", choices=FAULTS, action="append")
    parser.add_argument("--report-only", action="store_true", help="print faults.md from the results' faults.json")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--port", type=int, default=8784)
    parser.add_argument("--results", type=Path, default=stack.ROOT / "bench" / "results" / "faults")
    parser.add_argument("--folder", type=Path, default=Path(tempfile.gettempdir()) / "oscart-faults",
                        help="where the run's own PostgreSQL cluster lives (removed afterwards)")
    return parser.parse_args(argv)


class Run:
    """The portal and its services for the whole fault run."""

    def __init__(self, args, log):
        self.args, self.log = args, log
        self.postgres = Postgres(args.folder / "pg", 5499)
        self.redis = Redis(6399)
        self.smtp = SmtpServer(2599)
        self.web = self.worker = None
        self.restarts = []  # the worker's own exits, each answered by a restart (see supervise)
        self._supervising = threading.Lock()
        self._stopping = threading.Event()
        self.env = stack.portal_env(self.postgres.url, broker=f"{self.redis.url}/0", limits=f"{self.redis.url}/1",
                                    results=args.results, mail_backend="smtp", MAIL_SERVER="127.0.0.1",
                                    MAIL_PORT=2599, CELERY_VISIBILITY_TIMEOUT=60)

    def start(self):
        self.postgres.start()
        self.redis.start()
        self.smtp.start()
        stack.build_dataset(self.postgres.url, self.log, users=2000, certificates=3000, sessions=30)
        self.plan = stack.write_plan(self.postgres.url, self.args.results / "plan.json")
        self.web = stack.start_web(self.env, self.args.port, self.log)
        self.start_worker()
        threading.Thread(target=self.supervise, daemon=True).start()

    def start_worker(self):
        self.worker = stack.start_worker(self.env, self.log, self.args.results / "celerybeat-schedule",
                                         new_session=True)

    def supervise(self):
        """As systemd's ``Restart=always`` in the README's units: a worker that exits by itself (not stopped by a
        scenario) is started again at once, and the exit is recorded."""
        while not self._stopping.wait(1):
            with self._supervising:
                if self._stopping.is_set():
                    return
                if self.worker is not None and self.worker.poll() is not None:
                    self.restarts.append({"exit_code": self.worker.returncode, "at": time.strftime("%H:%M:%S")})
                    self.start_worker()

    @contextmanager
    def unsupervised(self):
        """While a scenario stops or replaces the worker on purpose."""
        with self._supervising:
            yield

    def kill_worker(self):
        """SIGKILL to the worker and its pool (its own process group): nothing is acknowledged or cleaned up."""
        os.killpg(self.worker.pid, signal.SIGKILL)
        self.worker.wait(timeout=10)

    def stop(self):
        self._stopping.set()
        stack.stop(self.web)
        with self._supervising:
            stack.stop(self.worker)
        self.smtp.stop()
        self.redis.stop()
        self.postgres.remove()

    def load(self, name, seconds):
        """Locust in the background for ``seconds`` (returns the process)."""
        env = {**os.environ, "LOAD_PLAN": str(self.args.results / "plan.json"),
               "LOAD_OUTCOMES": str(self.args.results / f"{name}-outcomes.json")}
        command = [str(stack.LOCUST), "-f", str(stack.ROOT / "bench" / "load" / "locustfile.py"), "--headless",
                   "--users", str(self.args.users), "--spawn-rate", "10", "--run-time", f"{seconds}s",
                   "--host", f"http://{stack.HOST}:{self.args.port}", "--csv", str(self.args.results / name),
                   "--only-summary", "--stop-timeout", "20", "--exit-code-on-error", "0"]
        return subprocess.Popen(command, env=env, stdout=self.log, stderr=subprocess.STDOUT)


def outage(run, name, stop, start, seconds):
    """Load for the whole scenario; ``stop`` after 20 s, ``start`` ``seconds`` later; the probe throughout."""
    since = checks.now(run.postgres.url)
    probe = Probe(run.args.port, login_cookie(run.args.port, run.plan["trainees"][-1], run.plan["password"]))
    locust = run.load(name, 20 + seconds + 60)
    probe.start()
    time.sleep(20)
    down_at = time.monotonic()
    stop()
    time.sleep(seconds)
    start()
    up_at = time.monotonic()
    locust.wait()
    probe.stop()
    return since, probe.windows(down_at, up_at)


def fault_postgres(run):
    since, windows = outage(run, "postgres", run.postgres.stop, run.postgres.start, 10)
    return since, {"probe": windows}


def fault_redis(run):
    since, windows = outage(run, "redis", run.redis.stop, run.redis.start, 20)
    return since, {"probe": windows}


def fault_smtp(run):
    def refuse():
        run.smtp.refusing = True

    def accept():
        run.smtp.refusing = False

    since, windows = outage(run, "smtp", refuse, accept, 90)
    return since, {"probe": windows, "connections_refused": run.smtp.refused}


def fault_worker(run):
    """Kill the worker while a bulk ZIP job is being built, start another, and wait for the job."""
    since = checks.now(run.postgres.url)
    locust = run.load("worker", 60)
    admin = login_cookie(run.args.port, run.plan["admin"], run.plan["admin_password"])
    job_id = checks.start_bulk_job(run.args.port, admin)
    progress = checks.wait_for_progress(run.postgres.url, job_id)
    with run.unsupervised():
        run.kill_worker()
        killed_at = time.monotonic()
        time.sleep(5)
        run.start_worker()
    job = checks.wait_for_job(run.postgres.url, job_id, seconds=420)
    locust.wait()
    archive = checks.download_job(run.args.port, admin, job_id)
    return since, {"job": job, "progress_when_killed": progress, "zip": archive,
                   "seconds_to_done_after_kill": round(time.monotonic() - killed_at)}


SCENARIOS = {"postgres": fault_postgres, "redis": fault_redis, "smtp": fault_smtp, "worker": fault_worker,
             "postgres-job": job_faults.fault_postgres_job, "redis-job": job_faults.fault_redis_job,
             "beat": job_faults.fault_beat}


def summary(results):
    """faults.md: per fault what the probe saw during it, how soon all answered 200 again, and what was lost."""
    lines = ["| fault | during (probe answers) | after it ended | Locust errors (all users) | lost or twice |",
             "|---|---|---|---|---|"]
    for name, observed in results.items():
        probe = observed.get("probe", {})
        during = "; ".join(f"{what} {', '.join(f'{n}× {code}' for code, n in counts.items())}"
                           for what, counts in probe.get("during", {}).items()) or "–"
        late = probe.get("last non-200 after the end (s)")
        after = "all 200 at once" if probe and late is None else (f"last non-200 {late} s after" if probe else "–")
        errors = ", ".join(f"{n}× {key}" for key, n in sorted(observed["locust"].items())) or "none"
        checked = observed["after"]
        lost = (f"outbox {checked['outbox']}, received once {checked['received_once']}, not received "
                f"{len(checked['not_received'])}, twice {len(checked['received_twice_or_more'])}; lessons done "
                f"{checked['lessons_done']} = audited {checked['lessons_done_audited']}; progress inconsistent "
                f"{checked['progress_inconsistent']}; completed without certificate "
                f"{checked['completed_without_certificate']}; audit chain "
                f"{'intact' if checked['audit_chain_intact'] else 'NOT intact'}")
        extra = {key: value for key, value in observed.items() if key not in ("probe", "after", "locust")}
        lines.append(f"| {name} | {during} | {after} | {errors} | {lost} {json.dumps(extra, default=str)} |")
    return "\n".join(lines) + "\n"


def main(argv=None):
    args = parse_args(argv)
    if args.report_only:
        results = json.loads((args.results / "faults.json").read_text())
        return print(summary(results))
    if not stack.LOCUST.exists():
        raise SystemExit(f"{stack.LOCUST} is missing: run `make load` once (it installs Locust there)")
    args.results.mkdir(parents=True, exist_ok=True)
    results = {}
    with open(args.results / "processes.log", "w") as log:
        run = Run(args, log)
        try:
            run.start()
            for name in args.only or FAULTS:
                print(f"fault: {name} …", flush=True)
                run.restarts.clear()
                since, observed = SCENARIOS[name](run)
                if run.restarts:
                    observed["worker_exited_and_was_restarted"] = list(run.restarts)
                observed["after"] = checks.nothing_lost(run.postgres.url, since, run.smtp.received, log)
                observed["locust"] = checks.locust_errors(args.results / f"{name}_failures.csv")
                results[name] = observed
                print(json.dumps(observed, indent=1, default=str), flush=True)
        finally:
            run.stop()
    (args.results / "faults.json").write_text(json.dumps(results, indent=1, default=str))
    (args.results / "faults.md").write_text(summary(results))
    print(summary(results))


if __name__ == "__main__":
    main()
