"""The portal as production runs it, on this machine: the dataset, gunicorn, a Celery worker (with beat), and
their environment. Used by the load test (``python -m bench.load``) and the fault runs (bench/load/faults.py).

Only 127.0.0.1 is contacted. The database named in the URL is dropped and created again: never point it at
real data.
"""

import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bench.generate import BENCH_PASSWORD, COMPANY_EMAIL, ROOT

BIN = Path(sys.executable).parent
LOCUST = ROOT / ".venv-load" / "bin" / "locust"
HOST = "127.0.0.1"
SERVER_PASSWORD = "bench password 2026"  # noqa: S105 - bench.classroom.PASSWORD: the trainer and company admin
TRAINER_EMAIL = "trainer@bench.example"
SECRET_KEY = "load-test-only-secret"  # noqa: S105 - also seals the audit events seed-demo writes
VICTIMS = 200  # the last bench users are kept for the lockout check: nobody else logs in as them


def portal_env(database_url, *, broker, limits, results, mail_backend="file", **extra):
    """The production configuration of one run: its database, Redis databases and mail folder."""
    env = {**os.environ, "OSCART_ENV": "production", "SECRET_KEY": SECRET_KEY,
           "DATABASE_URL": database_url, "RATELIMIT_STORAGE_URI": limits, "CELERY_BROKER_URL": broker,
           "MAIL_BACKEND": mail_backend, "MAIL_FILE_DIR": str(results / "mail"),
           # One trusted proxy hop: each simulated user has a client address of its own (X-Forwarded-For).
           "PROXY_FIX_HOPS": "1", "TWO_STEP_REQUIRED_FOR_PLATFORM_ADMINS": "false",
           "PUBLIC_BASE_URL": "https://load.oscart.example", "LOG_FORMAT": "json", "LOG_LEVEL": "WARNING",
           "CELERY_TASK_ALWAYS_EAGER": "false"}
    env.update({key: str(value) for key, value in extra.items()})
    return env


def recreate_database(database_url):
    """DROP and CREATE the PostgreSQL database of ``database_url`` (connected through its server's
    ``postgres`` database)."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    engine = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{url.database}"'))
    engine.dispose()


def build_dataset(database_url, log, *, users=5000, certificates=3000, sessions=100):
    """bench.generate's dataset (tables from the models, stamped at the migrations' head, so /readyz is
    ready), then ``seed-demo`` on top of it."""
    recreate_database(database_url)
    run([BIN / "python", "-m", "bench.generate", "--database-url", database_url, "--users", users,
         "--enrolments", users * 10, "--progress", users * 10, "--sessions", sessions, "--certificates",
         certificates], log)
    env = {**os.environ, "DATABASE_URL": database_url, "SECRET_KEY": SECRET_KEY, "MAIL_BACKEND": "memory"}
    run([BIN / "flask", "--app", "app", "db", "stamp", "head"], log, env=env)
    run([BIN / "flask", "--app", "app", "seed-demo"], log, env=env)


def run(command, log, env=None):
    subprocess.run([str(part) for part in command], check=True, stdout=log, stderr=subprocess.STDOUT, env=env,
                   cwd=ROOT)


def write_plan(database_url, path):
    """Who the simulated users are and what they open, read from the dataset."""
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    with engine.connect() as connection:
        users = connection.execute(text("SELECT count(*) FROM \"user\" WHERE email LIKE 'user%@bench.example'")
                                   ).scalar_one() + 1  # user1 is bench-trainee@example.com
        parts = connection.execute(text(
            "SELECT min(p.id) FROM session_part p JOIN session_trainer t ON t.session_id = p.session_id "
            "JOIN \"user\" u ON u.id = t.user_id WHERE u.email = :email GROUP BY p.session_id "
            "ORDER BY p.session_id DESC LIMIT 60"), {"email": TRAINER_EMAIL}).scalars().all()
        company = connection.execute(text("SELECT company_id FROM \"user\" WHERE email = :email"),
                                      {"email": COMPANY_EMAIL}).scalar_one()
        courses = connection.execute(text("SELECT DISTINCT course_id FROM certificate WHERE company_id = :c "
                                          "ORDER BY course_id LIMIT 20"), {"c": company}).scalars().all()
        holders = connection.execute(text("SELECT DISTINCT user_id FROM certificate WHERE company_id = :c "
                                          "ORDER BY user_id LIMIT 50"), {"c": company}).scalars().all()
    engine.dispose()
    plan = {"password": BENCH_PASSWORD,
            "trainees": [f"user{n}@bench.example" for n in range(2, users - VICTIMS + 1)],
            "victims": [f"user{n}@bench.example" for n in range(users - VICTIMS + 1, users + 1)],
            "trainer": TRAINER_EMAIL, "trainer_password": SERVER_PASSWORD, "parts": parts,
            "admin": COMPANY_EMAIL, "admin_password": SERVER_PASSWORD, "courses": courses, "holders": holders}
    path.write_text(json.dumps(plan))
    return plan


def start_web(env, port, log, workers=4):
    process = subprocess.Popen([str(BIN / "gunicorn"), "--workers", str(workers), "--bind", f"{HOST}:{port}",
                                "--timeout", "60", "--no-control-socket", "app:app"],
                               env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)
    wait_for(f"http://{HOST}:{port}/healthz", process)
    return process


def start_worker(env, log, schedule, concurrency=2, new_session=False, beat=True):
    """One Celery worker on both queues, with beat inside it (the sweeps every minute) unless ``beat`` is False;
    ``new_session``: in a process group of its own, which the fault run kills whole."""
    scheduler = ["--beat", "--schedule", str(schedule)] if beat else []
    return subprocess.Popen([str(BIN / "celery"), "-A", "oscart.tasks.worker", "worker", "--queues", "default,bulk",
                             "--concurrency", str(concurrency), *scheduler,
                             "--loglevel", "WARNING", "--without-gossip", "--without-mingle"],
                            env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT, start_new_session=new_session)


def start_beat(env, log, schedule):
    """Celery beat alone (as production runs it: ``celery … beat``), logging each task it sends (INFO)."""
    return subprocess.Popen([str(BIN / "celery"), "-A", "oscart.tasks.worker", "beat", "--schedule", str(schedule),
                             "--loglevel", "INFO"], env=env, stdout=log, stderr=subprocess.STDOUT, cwd=ROOT)


def wait_for(url, process, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{url}: the server stopped (exit {process.returncode})")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - 127.0.0.1 only
                return json.loads(response.read() or b"{}")
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"{url} did not answer within {seconds} s")


def readiness(port):
    """/readyz's answer (status code and checks), whatever the code."""
    try:
        with urllib.request.urlopen(f"http://{HOST}:{port}/readyz", timeout=5) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"{}")


def stop(process, seconds=30):
    if process is None or process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def flush_redis(url):
    import redis

    redis.Redis.from_url(url).flushdb()


def load_average():
    return os.getloadavg()
