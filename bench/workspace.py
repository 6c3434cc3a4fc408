"""The company workspace at scale: the training matrix and the reports of a company of 5,000 people × 50 courses.

    .venv/bin/python -m bench.workspace                      # SQLite file instance/bench-workspace.db
    .venv/bin/python -m bench.workspace --database-url postgresql+psycopg://postgres@127.0.0.1:5432/oscart_bench
    .venv/bin/python -m bench.workspace --no-generate --rounds 5
    .venv/bin/python -m bench.workspace --no-generate --rounds 0 --cpu      # in-process CPU share only
    .venv/bin/python -m bench.workspace --no-generate --rounds 0 --cpu --pages 'matrix|reports'

1. Empties the database (drop_all / create_all: never point it at real data) and bulk-inserts one company with
   ``--people`` employees in 5 groups and 6 job roles, ``--courses`` courses in four languages, an enrolment of
   every employee in every course (completed, started, not started; a third required, some overdue), a
   certificate per completion of the courses that expire, coming sessions with registrations and past ones with
   attendance; and a second company with the same, never shown to the first. The summaries the matrix and the
   reports read (matrix_cell, summary_count) are left alone while loading, then rebuilt from the rows.
2. Serves bench.wsgi with gunicorn like bench.run, finds every page the company admin reaches by following links
   (bench/crawl.py: employees, an employee's page, groups, attendance, certificates, rules, ...) besides the
   matrix and report variants below, counts each page's SQL statements in-process and loads each page right after
   the bare endpoint; the median ratio of the rounds counts.
3. With ``--cpu``, also each page's in-process CPU share (bench.run.count_statements: the process time of the bare
   endpoint divided by the page's, through the Flask test client, the median of five alternating batches).
   ``--pages REGEX`` keeps the pages whose name matches.
"""

import argparse
import os
import random
import re
import sys
import time
from datetime import timedelta
from statistics import median

from sqlalchemy import insert, select

from bench.crawl import crawl
from bench.run import HOST, TARGET_RATIO, bench_app, count_statements, login, measure, start_server, stop
from oscart import create_app
from oscart.accounts.models import User
from oscart.assignments import tracking
from oscart.assignments.summaries import rebuild
from oscart.certificates.models import Certificate
from oscart.classroom.models import Attendance, Registration, SessionPart, TrainingSession
from oscart.companies.models import Company, Group, GroupMember, JobRole
from oscart.core.database import utcnow
from oscart.core.extensions import db
from oscart.core.security import COMPANY_ADMIN, TRAINEE, hash_password
from oscart.training.models import CLASSROOM, ELEARNING, PUBLISHED, Course, CourseTranslation, Enrolment

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_DATABASE = f"sqlite:///{os.path.join(ROOT, 'instance', 'bench-workspace.db')}"
ADMIN_EMAIL = "hr@workspace.example"
PASSWORD = "bench-password-2026"
CHUNK = 5000


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=DEFAULT_DATABASE)
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--courses", type=int, default=50)
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-generate", action="store_true")
    parser.add_argument("--cpu", action="store_true", help="also each page's in-process CPU share")
    parser.add_argument("--pages", help="only the pages whose name matches this regular expression")
    return parser.parse_args(argv)


def bulk(model, items):
    for start in range(0, len(items), CHUNK):
        db.session.execute(insert(model), items[start:start + CHUNK])


def build_company(name, args, rng, now, password_hash):
    company = Company(name=name, default_language="nl")
    db.session.add(company)
    db.session.flush()
    groups = [Group(company_id=company.id, name=f"{name} group {n}") for n in range(5)]
    roles = [JobRole(company_id=company.id, name=f"{name} role {n}") for n in range(6)]
    db.session.add_all(groups + roles)
    db.session.flush()
    tag = name.lower().replace(" ", "-")
    bulk(User, [{"email": f"{tag}-{n}@workspace.example", "first_name": f"First {n}", "last_name": f"Last {n:05d}",
                 "role": TRAINEE, "company_id": company.id, "language": "nl", "job_role_id": roles[n % 6].id,
                 "is_active": n % 50 != 0, "deactivated_at": now if n % 50 == 0 else None}
                for n in range(args.people)])
    people = list(db.session.scalars(select(User.id).where(User.company_id == company.id).order_by(User.id)))
    bulk(GroupMember, [{"group_id": groups[n % 5].id, "user_id": uid, "added_at": now} for n, uid in enumerate(people)]
         + [{"group_id": groups[(n + 2) % 5].id, "user_id": uid, "added_at": now}
            for n, uid in enumerate(people) if n % 3 == 0])
    return company, people


def build_courses(args):
    courses = [{"code": f"WS-{n:03d}", "format": CLASSROOM if n % 10 == 0 else ELEARNING, "status": PUBLISHED,
                "default_language": "nl", "is_global": True, "validity_months": 24 if n % 3 == 0 else None,
                "completion_rule": "lessons"} for n in range(args.courses)]
    bulk(Course, courses)
    ids = list(db.session.scalars(select(Course.id).where(Course.code.like("WS-%")).order_by(Course.code)))
    bulk(CourseTranslation, [{"course_id": cid, "language": language, "title": f"{language} course {n}",
                              "summary": "", "search_text": ""}
                             for n, cid in enumerate(ids) for language in ("nl", "fr", "de", "en")])
    return ids


def build_training(people, course_ids, company_id, rng, now):
    enrolments, certificates = [], []
    for uid in people:
        for n, cid in enumerate(course_ids):
            roll = rng.random()
            completed = roll < .35
            due = now + timedelta(days=rng.randint(-120, 90)) if rng.random() < .35 else None
            completed_at = now - timedelta(days=rng.randint(1, 700)) if completed else None
            enrolments.append({"user_id": uid, "course_id": cid, "status": "completed" if completed else "in_progress",
                               "progress_percent": 100 if completed else (0 if roll < .6 else rng.randint(5, 95)),
                               "enrolled_at": now - timedelta(days=rng.randint(1, 800)), "due_at": due,
                               "completed_at": completed_at})
            if completed and n % 3 == 0:
                completed_on = completed_at.date()
                certificates.append({
                    "code": f"W{company_id}-{len(certificates):012d}", "issue_key": f"ws:{uid}:{cid}",
                    "origin": "automatic",
                    "user_id": uid, "company_id": company_id, "course_id": cid, "language": "nl",
                    "holder_name": "Bench holder", "course_title": "Bench course", "hours": 4,
                    "completed_on": completed_on, "valid_until": completed_on + timedelta(days=730), "pdf": b"%PDF",
                    "pdf_sha256": "0" * 64, "pdf_size": 4, "is_signed": False})
        if len(enrolments) >= 50_000:
            bulk(Enrolment, enrolments)
            enrolments = []
    bulk(Enrolment, enrolments)
    bulk(Certificate, certificates)


def build_sessions(people, course_ids, rng, now):
    classroom = [cid for n, cid in enumerate(course_ids) if n % 10 == 0]
    for s in range(40):
        start = now + timedelta(days=s - 20, hours=1)
        session = TrainingSession(course_id=classroom[s % len(classroom)], capacity=30, language="nl", place="Bench",
                                  meeting_url="", starts_at=start, ends_at=start + timedelta(hours=4),
                                  total_minutes=240, cancellation_deadline_at=start - timedelta(days=2))
        db.session.add(session)
        db.session.flush()
        part = SessionPart(session_id=session.id, starts_at=start, ends_at=start + timedelta(hours=4))
        db.session.add(part)
        db.session.flush()
        attendees = rng.sample(people, 30)
        bulk(Registration, [{"session_id": session.id, "user_id": uid, "status": "registered"} for uid in attendees])
        if start < now:
            bulk(Attendance, [{"part_id": part.id, "session_id": session.id, "part_starts_at": start, "user_id": uid,
                               "status": rng.choice(["present", "present", "late", "absent", "excused"]),
                               "minutes": 0, "version": 1, "updated_at": now} for uid in attendees])


def generate(args):
    app = create_app({"SQLALCHEMY_DATABASE_URI": args.database_url, "SECRET_KEY": "bench-only-secret"})
    rng = random.Random(17)
    now = utcnow()
    with app.app_context(), tracking.paused(db.session()):
        db.drop_all()
        db.create_all()
        password_hash = hash_password(PASSWORD)
        course_ids = build_courses(args)
        for name, admin in (("Workspace", ADMIN_EMAIL), ("Other", "hr@other.example")):
            company, people = build_company(name, args, rng, now, password_hash)
            db.session.add(User(email=admin, first_name="H", last_name="R", role=COMPANY_ADMIN, language="nl",
                                company_id=company.id, password_hash=password_hash))
            build_training(people, course_ids, company.id, rng, now)
            build_sessions(people, course_ids, rng, now)
            db.session.commit()
        # Loaded in bulk without the summaries' tracking, then counted once (as `flask summaries rebuild` does).
        started = time.perf_counter()
        rebuild(db.session.connection())
        db.session.commit()
        print(f"summaries rebuilt in {time.perf_counter() - started:.1f} s", flush=True)
        if db.engine.dialect.name == "postgresql":
            # As autovacuum leaves the tables of a running portal: statistics, and a visibility map that lets an
            # index answer a count without reading the rows.
            # Straight through the driver in autocommit: the portal's engine sends BEGIN before any statement that
            # is not a plain SELECT (oscart.core.database), and VACUUM cannot run inside a transaction.
            with db.engine.connect() as connection:
                driver = connection.connection.dbapi_connection
                driver.autocommit = True
                driver.execute("VACUUM ANALYZE")
        group_id = db.session.scalar(select(Group.id).where(Group.name == "Workspace group 1"))
        counts = {"enrolments": db.session.query(Enrolment).count(), "certificates": db.session.query(Certificate)
                  .count()}
        db.engine.dispose()
    print(f"dataset: 2 companies × {args.people:,} people × {args.courses} courses; {counts}", flush=True)
    return group_id


def pages(group_id):
    return {"company training matrix": "/company/training",
            "matrix: overdue in a group, course columns 9–16": f"/company/training?status=overdue&group={group_id}"
                                                                "&cpage=2",
            "matrix: people page 100": "/company/training?page=100",
            "company reports (12 months)": "/company/reports",
            "reports: one group, 24 months": f"/company/reports?group={group_id}&period=24"}


def statements(args, urls):
    """{name: statements} and, with ``--cpu``, {name: in-process CPU share} of each page (bench.run)."""
    found = count_statements(bench_app(args.database_url), {ADMIN_EMAIL: PASSWORD},
                             {name: (path, ADMIN_EMAIL) for name, path in urls.items()}, cpu=args.cpu)
    return found if args.cpu else (found, {})


def main(argv=None):
    args = parse_args(argv)
    load = os.getloadavg()
    print(f"# bench.workspace · {os.cpu_count()} CPUs · load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} · "
          f"{args.database_url.split('://')[0]}", flush=True)
    if args.no_generate:
        app = create_app({"SQLALCHEMY_DATABASE_URI": args.database_url, "SECRET_KEY": "bench-only-secret"})
        with app.app_context():
            group_id = db.session.scalar(select(Group.id).where(Group.name == "Workspace group 1"))
            db.engine.dispose()
    else:
        group_id = generate(args)
    urls = pages(group_id)
    server = start_server(args)
    samples = {"bare Flask endpoint": [], "empty logged-in page": []}
    try:
        admin = login(args.port, ADMIN_EMAIL, PASSWORD)
        url_map = create_app({"SQLALCHEMY_DATABASE_URI": args.database_url, "SECRET_KEY": "bench-only-secret"}).url_map
        known = set(urls.values())
        urls.update({f"{endpoint} {path}": path for endpoint, path in crawl(HOST, args.port, admin, url_map, limit=80)
                     if path not in known})
        if args.pages:
            urls = {name: path for name, path in urls.items() if re.search(args.pages, name)}
        samples.update({name: [] for name in urls})
        targets = {"empty logged-in page": "/bench/empty", **urls}
        for _ in range(args.rounds):
            for name, path in targets.items():
                reference = measure(args.port, "/bench/bare", None, args)
                try:
                    rps = measure(args.port, path, admin, args)
                except SystemExit as error:  # a page that fails under load is reported, the others measured
                    print(f"  {name}: {error}", file=sys.stderr, flush=True)
                    continue
                if reference <= 0:  # the workers were still busy with the previous page's requests
                    continue
                samples["bare Flask endpoint"].append((reference, 1.0))
                samples[name].append((rps, rps / reference))
    finally:
        stop(server)
    counts, shares = statements(args, urls)
    load = os.getloadavg()
    print(f"\ngunicorn {args.workers} workers on {HOST} · {args.connections} connections × {args.seconds} s · median "
          f"of {args.rounds} rounds · load average at the end {load[0]:.2f}\n")
    print("| page | requests/s | ratio to bare | SQL statements |" + (" in-process CPU share |" if args.cpu else "")
          + "\n|---|---:|---:|---:|" + ("---:|" if args.cpu else ""))
    for name, measured in samples.items():
        cpu = f" {100 * shares[name]:.1f}%{'' if shares[name] >= TARGET_RATIO else ' ⚠'} |" if name in shares else ""
        if not measured:
            print(f"| {name} | {'errors' if args.rounds else '–'} | – | {counts.get(name, '–')} |{cpu}")
            continue
        rps, ratio = median(m[0] for m in measured), median(m[1] for m in measured)
        flag = "" if name.startswith(("bare", "empty")) or ratio >= TARGET_RATIO else " ⚠ below 15%"
        print(f"| {name} | {rps:,.0f} | {100 * ratio:.1f}%{flag} | {counts.get(name, '–')} |{cpu}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
