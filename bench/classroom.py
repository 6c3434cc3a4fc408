"""Classroom benchmark: query counts of the attendance sheet and review pages on small and large data,
requests per second relative to a bare endpoint, and memory of a 100,000-row CSV export.

Standalone: ``.venv/bin/python -m bench.classroom [--rows 100000] [--database-url URL]``.
Prints a Markdown report (ratios measured in one run; see docs/benchmarks.md).
"""

import argparse
import os
import tempfile
import time
from datetime import timedelta

from sqlalchemy import event, insert, select, text

from oscart import create_app
from oscart.accounts.models import User
from oscart.classroom.models import Attendance, Registration, SessionPart, SessionTrainer, TrainingSession
from oscart.companies.models import Company
from oscart.core.database import utcnow
from oscart.core.extensions import db
from oscart.core.security import COMPANY_ADMIN, TRAINEE, TRAINER, hash_password
from oscart.training.models import CLASSROOM, PUBLISHED, Course, CourseTranslation

PASSWORD = "bench password 2026"


def rss_kib():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class Counter:
    def __init__(self):
        self.count = 0

    def __call__(self, *args):
        self.count += 1


def counted(client, method, url, **kwargs):
    """Statements one request runs. Requests run outside the bench's app context, each in its own, as in a
    real server."""
    with client.application.app_context():
        engine = db.engine
    counter = Counter()
    event.listen(engine, "before_cursor_execute", counter)
    try:
        response = getattr(client, method)(url, **kwargs)
        response.get_data()
    finally:
        event.remove(engine, "before_cursor_execute", counter)
    assert response.status_code in (200, 302), (url, response.status_code)
    return counter.count


def rows(model, items):
    if items:
        db.session.execute(insert(model), items)


def build(tag, companies=20, people_per_company=50, sessions=60, per_session=30, parts=2):
    """``tag``-named companies and trainees, then sessions in the past with every registrant marked on every part.

    Trainees of every company (also earlier ones) take part, so the company admin's view grows too.
    """
    password_hash = hash_password(PASSWORD)
    rows(Company, [{"name": f"{tag} company {i}", "default_language": "nl"} for i in range(companies)])
    company_ids = list(db.session.scalars(select(Company.id).order_by(Company.id)))
    rows(User, [{"email": f"{tag}-p{c}-{i}@bench.example", "first_name": f"P{i}", "last_name": f"C{c}",
                 "role": TRAINEE, "company_id": cid, "password_hash": password_hash, "language": "nl"}
                for c, cid in enumerate(company_ids) for i in range(people_per_company)])
    if db.session.scalar(select(User.id).where(User.email == "trainer@bench.example")) is None:
        rows(User, [{"email": "trainer@bench.example", "first_name": "T", "last_name": "Rainer", "role": TRAINER,
                     "password_hash": password_hash, "language": "nl"},
                    {"email": "hr@bench.example", "first_name": "H", "last_name": "R", "role": COMPANY_ADMIN,
                     "company_id": company_ids[0], "password_hash": password_hash, "language": "nl"}])
        course = Course(code="BENCH", format=CLASSROOM, status=PUBLISHED, attendance_threshold_percent=80)
        db.session.add(course)
        db.session.flush()
        db.session.add(CourseTranslation(course_id=course.id, language="nl", title="Bench course"))
    course = db.session.scalar(select(Course).where(Course.code == "BENCH"))
    trainer_id = db.session.scalar(select(User.id).where(User.email == "trainer@bench.example"))
    trainees = list(db.session.scalars(select(User.id).where(User.email.like(f"{tag}-%")).order_by(User.id)))
    start = utcnow().replace(second=0, microsecond=0) - timedelta(days=sessions + 1)
    for s in range(sessions):
        day = start + timedelta(days=s)
        session = TrainingSession(course_id=course.id, capacity=per_session, language="nl", place="Bench",
                                  meeting_url="", starts_at=day, ends_at=day + timedelta(hours=8),
                                  total_minutes=parts * 180, cancellation_deadline_at=day - timedelta(days=2))
        db.session.add(session)
        db.session.flush()
        part_rows = [SessionPart(session_id=session.id, starts_at=day + timedelta(hours=4 * p),
                                 ends_at=day + timedelta(hours=4 * p + 3)) for p in range(parts)]
        db.session.add_all(part_rows)
        db.session.add(SessionTrainer(session_id=session.id, user_id=trainer_id))
        db.session.flush()
        people = [trainees[(s * per_session + i) % len(trainees)] for i in range(per_session)]
        rows(Registration, [{"session_id": session.id, "user_id": uid, "status": "registered"} for uid in people])
        rows(Attendance, [{"part_id": part.id, "session_id": session.id, "part_starts_at": part.starts_at,
                           "user_id": uid, "status": "present",
                           "minutes": 180, "note": "=cmd" if i == 0 else "", "version": 1, "marked_by_id": trainer_id,
                           "updated_at": utcnow()}
                          for part in part_rows for i, uid in enumerate(people)])
    db.session.commit()


def login(client, email):
    from tests.helpers import csrf_from

    token = csrf_from(client.get("/login").text)
    response = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 302


def new_sheet_session(size):
    """An upcoming-but-started session with ``size`` registrants and no marks yet; returns (part id, user ids)."""
    course_id = db.session.scalar(select(Course.id).where(Course.code == "BENCH"))
    trainer_id = db.session.scalar(select(User.id).where(User.email == "trainer@bench.example"))
    day = utcnow() - timedelta(hours=1)
    session = TrainingSession(course_id=course_id, capacity=size, language="nl", place="Bench", meeting_url="",
                              starts_at=day, ends_at=day + timedelta(hours=8), total_minutes=480,
                              cancellation_deadline_at=day)
    db.session.add(session)
    db.session.flush()
    part = SessionPart(session_id=session.id, starts_at=day, ends_at=day + timedelta(hours=4))
    db.session.add_all([part, SessionPart(session_id=session.id, starts_at=day + timedelta(hours=4),
                                          ends_at=day + timedelta(hours=8)),
                        SessionTrainer(session_id=session.id, user_id=trainer_id)])
    db.session.flush()
    users = list(db.session.scalars(select(User.id).where(User.role == TRAINEE).order_by(User.id).limit(size)))
    rows(Registration, [{"session_id": session.id, "user_id": uid, "status": "registered"} for uid in users])
    db.session.commit()
    return part.id, users


def save_sheet_queries(client, size, status="late"):
    from tests.helpers import csrf_from

    with client.application.app_context():
        part_id, users = new_sheet_session(size)
    url = f"/classroom/parts/{part_id}/sheet"
    token = csrf_from(client.get(url).text)
    data = {"csrf_token": token}
    for uid in users:
        data.update({f"status-{uid}": status, f"minutes-{uid}": "200"})
    return counted(client, "post", url, data=data)


def timed(client, url, count):
    started = time.perf_counter()
    for _ in range(count):
        assert client.get(url).status_code == 200
    return time.perf_counter() - started


def share_of_bare(client, url, rounds=6, batch=15):
    """(requests/s of ``url``, its share of the bare endpoint's), from alternating batches so that load from
    other processes on the machine hits both alike."""
    bare = page = 0.0
    for _ in range(rounds):
        bare += timed(client, "/bench/bare", batch)
        page += timed(client, url, batch)
    return rounds * batch / page, bare / page


def csv_memory(client, url):
    """(rows, RSS growth KiB while streaming, seconds, bytes) of a CSV export read chunk by chunk."""
    before = peak = rss_kib()
    started = time.perf_counter()
    response = client.get(url, buffered=False)
    size = lines = 0
    samples = []  # (rows so far, RSS growth KiB) after each chunk: flat memory means no growth with rows
    for chunk in response.response:
        size += len(chunk)
        lines += chunk.count(b"\n") if isinstance(chunk, bytes) else chunk.count("\n")
        peak = max(peak, rss_kib())
        samples.append((lines, rss_kib() - before))
    response.close()
    return lines - 1, peak - before, time.perf_counter() - started, size, samples


def measure(client, hr):
    return {"sheet save (3 trainees)": save_sheet_queries(client, 3),
            "sheet save (30 trainees)": save_sheet_queries(client, 30),
            "trainer review list": counted(client, "get", "/classroom/teach"),
            "trainer attendance records": counted(client, "get", "/classroom/attendance"),
            "company attendance view": counted(hr, "get", "/classroom/attendance")}


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000, help="attendance rows for the CSV export")
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--profile", default=None, help="profile GET of this page after the run (cProfile)")
    args = parser.parse_args()
    path = None
    if not args.database_url:
        fd, path = tempfile.mkstemp(prefix="oscart-bench-classroom-", suffix=".db")
        os.close(fd)
    url = args.database_url or f"sqlite:///{path}"
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "WTF_CSRF_ENABLED": True,
                      "RATELIMIT_ENABLED": False})

    @app.get("/bench/bare")
    def bare():
        return "ok"

    report = []
    with app.app_context():
        db.drop_all()
        db.create_all()
        build("small", companies=2, people_per_company=20, sessions=2, per_session=10)
    client, hr = app.test_client(), app.test_client()
    login(client, "trainer@bench.example")
    login(hr, "hr@bench.example")
    # Small data first, then grow to the large dataset and measure the same pages again.
    small = measure(client, hr)
    with app.app_context():
        t0 = time.perf_counter()
        build("large", companies=20, people_per_company=50, sessions=max(1, args.rows // 60), per_session=30)
        build_seconds = time.perf_counter() - t0
        db.session.execute(text("ANALYZE"))  # planner statistics, as a live database has them
        db.session.commit()
        total = db.session.scalar(select(db.func.count(Attendance.id)))
        dialect = db.engine.dialect.name
    large = measure(client, hr)
    report.append(f"Dataset: {total:,} attendance rows ({build_seconds:.1f} s to build), database {dialect}.\n")
    report.append("| page | queries, small data | queries, large data |\n| --- | ---: | ---: |")
    report += [f"| {name} | {small[name]} | {large[name]} |" for name in small]
    with app.app_context():
        part_id, _ = new_sheet_session(30)
    pages = {"empty logged-in page (/dashboard), for reference": "/dashboard",
             "attendance sheet (30 trainees)": f"/classroom/parts/{part_id}/sheet",
             "trainer review list": "/classroom/teach", "trainer attendance records": "/classroom/attendance",
             "company attendance view": "/classroom/attendance"}
    report.append("\n| page | requests/s | share of bare endpoint |\n| --- | ---: | ---: |")
    for name, page_url in pages.items():
        rps, share = share_of_bare(hr if name.startswith("company") else client, page_url)
        report.append(f"| {name} | {rps:.0f} | {100 * share:.0f}% |")
    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(20):
            client.get(args.profile.replace("{part}", str(part_id)))
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(35)
    exported, growth, seconds, size, samples = csv_memory(client, "/classroom/attendance.csv")
    report.append(f"\nCSV export: {exported:,} rows, {size / 1e6:.1f} MB in {seconds:.1f} s; resident memory grew "
                  f"{growth / 1024:.1f} MiB at most while streaming (rows are read 2,000 at a time).")
    marks = [samples[round(i * (len(samples) - 1) / 4)] for i in range(5)]
    report.append("RSS growth after " + ", ".join(f"{n:,} rows: {kib / 1024:.1f} MiB" for n, kib in marks) + ".")
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    if path:
        os.unlink(path)
    print("\n".join(report))


if __name__ == "__main__":
    main()
