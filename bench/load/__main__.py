"""Load test (``make load``): the portal as in production, under 200 simulated users for five minutes.

    .venv/bin/python -m bench.load                       # 200 users, 5 minutes, oscart_load database
    .venv/bin/python -m bench.load --users 20 --run-time 1m --no-dataset   # a short run on the same data

1. Dataset in the PostgreSQL database of --database-url (DROPPED and created again): bench.generate (5,000
   trainees with enrolments, a company admin with 3,000 certificates, 100 past classroom sessions), stamped at
   the migrations' head, plus seed-demo.
2. gunicorn with 4 workers (production configuration, one trusted proxy hop), Redis as the rate-limit storage
   (--limits) and as Celery's broker (--broker), one Celery worker with beat; mail to files.
3. Locust headless (bench/load/locustfile.py, from .venv-load: ``make load`` installs it), its CSV files and a
   summary in --results: p50/p95/p99 per page, designed 429s apart from other errors, and checks against the
   database: accounts locked at exactly LOGIN_MAX_FAILURES failures across the workers, an address refused
   after exactly RATELIMIT_LOGIN's count, every mail sent once, the bulk job done once, the audit chain intact.
"""

import argparse
import json
import threading
import time
from pathlib import Path

from bench.load import report, stack

DEFAULT_DATABASE = "postgresql+psycopg://postgres@127.0.0.1:5432/oscart_load"
MAX_FAILURES, ADDRESS_LIMIT = 5, 30  # the defaults of LOGIN_MAX_FAILURES and RATELIMIT_LOGIN ("30 per 5 minutes")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=DEFAULT_DATABASE)
    parser.add_argument("--broker", default="redis://127.0.0.1:6379/7")
    parser.add_argument("--limits", default="redis://127.0.0.1:6379/8")
    parser.add_argument("--port", type=int, default=8783)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--spawn-rate", type=int, default=20)
    parser.add_argument("--run-time", default="5m")
    parser.add_argument("--results", type=Path, default=stack.ROOT / "bench" / "results" / "load")
    parser.add_argument("--no-dataset", action="store_true", help="reuse the database of an earlier run")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    if not stack.LOCUST.exists():
        raise SystemExit(f"{stack.LOCUST} is missing: run `make load` (it installs Locust there)")
    args.results.mkdir(parents=True, exist_ok=True)
    log = open(args.results / "processes.log", "w")  # noqa: SIM115 - open for the whole run
    started_load = stack.load_average()
    print(f"load average at the start {started_load[0]:.2f} {started_load[1]:.2f} {started_load[2]:.2f}", flush=True)
    if not args.no_dataset:
        print("building the dataset …", flush=True)
        stack.build_dataset(args.database_url, log)
    plan = stack.write_plan(args.database_url, args.results / "plan.json")
    for url in (args.broker, args.limits):
        stack.flush_redis(url)
    env = stack.portal_env(args.database_url, broker=args.broker, limits=args.limits, results=args.results)
    web = worker = None
    try:
        web = stack.start_web(env, args.port, log)
        worker = stack.start_worker(env, log, args.results / "celerybeat-schedule")
        ready = stack.readiness(args.port)
        print(f"/readyz: {ready}", flush=True)
        samples, locust = run_locust(args, plan)
        drained = drain(args.database_url)
    finally:
        stack.stop(web)
        stack.stop(worker)
    summary = summarise(args, samples, locust, drained, ready, started_load, log)
    (args.results / "summary.md").write_text(summary)
    print(summary)


def run_locust(args, plan):
    """Locust headless, with the load average sampled every 10 s while it runs."""
    import subprocess

    samples, running = [], threading.Event()
    running.set()

    def sample():
        while running.is_set():
            samples.append(stack.load_average()[0])
            time.sleep(10)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    env = {**stack.os.environ, "LOAD_PLAN": str(args.results / "plan.json"),
           "LOAD_OUTCOMES": str(args.results / "outcomes.json")}
    command = [str(stack.LOCUST), "-f", str(stack.ROOT / "bench" / "load" / "locustfile.py"), "--headless",
               "--users", str(args.users), "--spawn-rate", str(args.spawn_rate), "--run-time", args.run_time,
               "--host", f"http://{stack.HOST}:{args.port}", "--csv", str(args.results / "locust"),
               "--only-summary", "--stop-timeout", "30", "--exit-code-on-error", "0"]
    print(" ".join(command[1:]), flush=True)
    with open(args.results / "locust.log", "w") as output:
        locust = subprocess.run(command, env=env, stdout=output, stderr=subprocess.STDOUT, check=False)
    running.clear()
    return samples, locust.returncode


def drain(database_url, seconds=120):
    """Wait until no mail is due and no job unfinished (the worker catches up after the load); seconds taken."""
    engine = report.engine_for(database_url)
    started = time.monotonic()
    with engine.connect() as connection:
        while time.monotonic() - started < seconds:
            waiting = connection.execute(report.text(
                "SELECT (SELECT count(*) FROM outbox_message WHERE status = 'pending') + "
                "(SELECT count(*) FROM job WHERE status IN ('queued', 'running'))")).scalar_one()
            connection.rollback()
            if not waiting:
                break
            time.sleep(2)
    engine.dispose()
    return round(time.monotonic() - started)


def summarise(args, samples, exit_code, drained, ready, started_load, log):
    engine = report.engine_for(args.database_url)
    outcomes = json.loads((args.results / "outcomes.json").read_text())
    rows = report.pages(args.results / "locust_stats.csv")
    failed = report.failures(args.results / "locust_failures.csv")
    locks = report.lockouts(engine, outcomes, MAX_FAILURES)
    address = report.address_limit(engine, outcomes, ADDRESS_LIMIT)
    mail, jobs = report.outbox(engine), report.jobs(engine)
    engine.dispose()
    chain = report.audit_chain(args.database_url, log)
    peak = max(samples, default=0)
    context = [f"{args.users} users (spawn rate {args.spawn_rate}/s) for {args.run_time}; gunicorn 4 workers, "
               f"PostgreSQL, Redis (broker {args.broker}, limits {args.limits}), one Celery worker with beat; "
               f"{stack.os.cpu_count()} CPUs.",
               f"Load average (1 min): {started_load[0]:.1f} at the start, during the run median "
               f"{sorted(samples)[len(samples) // 2] if samples else 0:.1f}, peak {peak:.1f}. Locust exit code "
               f"{exit_code}. /readyz before the run: {ready[0]} {ready[1].get('checks')}."]
    exact_locks = sum(1 for item in locks if item["exact"] and item["right_password_after"] == 200)
    checks = [
        ("Lockout across the 4 workers", [
            f"{len(locks)} accounts attacked, each with {locks[0]['wrong_attempts'] if locks else 0} wrong "
            f"passwords at once from different addresses, then the right one: {exact_locks} locked at exactly "
            f"{MAX_FAILURES} counted failures (counts 1–{MAX_FAILURES} each once, one lock per {MAX_FAILURES}) "
            "with the right password refused afterwards.",
            *[f"- not exact: {item}" for item in locks if not (item["exact"] and item["right_password_after"] == 200)],
            f"Lockout mails: {sum(sum(item['mails'].values()) for item in locks)} for "
            f"{sum(item['locks'] for item in locks)} locks "
            f"({sum(item['mails'].get('sent', 0) for item in locks)} sent)."]),
        ("Address limit across the 4 workers", [
            f"Address {address['address']}: {address['attempts']} attempts ({3} at a time) for unknown addresses; "
            f"{address['counted']} counted as failures, {address['refused']} refused with 429; the first 429 came "
            f"after {address['before_first_429']}; {address['audited_failures']} failures in the audit trail; "
            f"limit {ADDRESS_LIMIT}: {'exact' if address['exact'] else 'NOT exact'}."]),
        ("Mail and jobs", [
            f"Outbox after the run (drained in {drained} s): {mail['by_status']}; delivered after a retry: "
            f"{mail['delivered_after_a_retry']}.",
            f"Bulk job (Locust): {outcomes.get('bulk_job')}.",
            *[f"- job {job}" for job in jobs]]),
        ("Audit chain", [f"`flask audit verify` after the run: {'intact' if chain else 'BROKEN'}."]),
    ]
    return report.markdown(f"Load test, {time.strftime('%Y-%m-%d %H:%M')}", rows, failed, checks, context)


if __name__ == "__main__":
    main()
