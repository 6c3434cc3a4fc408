"""Generate a large dataset for the benchmarks, with bulk inserts (minutes, not hours).

    .venv/bin/python -m bench.generate --database-url sqlite:///instance/bench.db
    .venv/bin/python -m bench.generate --database-url postgresql+psycopg://postgres@127.0.0.1:5432/oscart_bench

The database is emptied first (drop_all / create_all), so never point it at real data.
The benchmark trainee is bench-trainee@example.com with password BENCH_PASSWORD.
"""

import argparse
import math
import random
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import insert, select
from sqlalchemy import text as sql

from oscart import create_app
from oscart.accounts.models import User
from oscart.companies.models import Company
from oscart.core.database import utcnow
from oscart.core.extensions import db
from oscart.core.i18n import fold_for_search
from oscart.core.security import TRAINEE, hash_password
from oscart.training.models import (
    Course,
    CourseCompany,
    CourseTranslation,
    Enrolment,
    Lesson,
    LessonProgress,
    LessonTranslation,
)

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATABASE = f"sqlite:///{ROOT / 'instance' / 'bench.db'}"
BENCH_EMAIL = "bench-trainee@example.com"
BENCH_PASSWORD = "bench-password-2026"
COMPANY_EMAIL = "hr@bench.example"  # company admin made by bench.classroom.build, password bench.classroom.PASSWORD
LANGUAGES = ("nl", "fr", "de", "en")
WORDS = (
    "veiligheid", "heftruck", "magazijn", "brand", "privacy", "hygiëne", "ergonomie", "laden", "lossen",
    "procedure", "eerste", "hulp", "sécurité", "chariot", "entrepôt", "incendie", "sicherheit", "stapler",
    "lager", "brandschutz", "safety", "forklift", "warehouse",
)
CHUNK = 5000


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=DEFAULT_DATABASE)
    parser.add_argument("--companies", type=int, default=200)
    parser.add_argument("--users", type=int, default=20_000)
    parser.add_argument("--courses", type=int, default=400)
    parser.add_argument("--lessons", type=int, default=10, help="lessons per course")
    parser.add_argument("--enrolments", type=int, default=200_000)
    parser.add_argument("--progress", type=int, default=200_000, help="lesson-progress rows (approximately)")
    parser.add_argument("--sessions", type=int, default=200,
                        help="classroom sessions (30 trainees, 2 parts each) for the company admin's pages")
    parser.add_argument("--certificates", type=int, default=5_000, help="issued certificates of the admin's company")
    parser.add_argument("--full", action="store_true",
                        help="the DESIGN §6 sizes: 100,000 certificates and 1,700 sessions (~100,000 attendance rows)")
    parser.add_argument("--seed", type=int, default=42)
    return parser.parse_args(argv)


def bulk(model, rows):
    for start in range(0, len(rows), CHUNK):
        db.session.execute(insert(model), rows[start:start + CHUNK])


def text(rng, count):
    return " ".join(rng.choice(WORDS) for _ in range(count))


def generate(args):
    rng = random.Random(args.seed)
    now = utcnow()
    bulk(Company, [{"id": c, "name": f"Bench company {c}", "default_language": LANGUAGES[c % 4], "is_active": True,
                    "created_at": now, "updated_at": now} for c in range(1, args.companies + 1)])
    password_hash = hash_password(BENCH_PASSWORD)
    bulk(User, [{"id": u, "email": BENCH_EMAIL if u == 1 else f"user{u}@bench.example", "first_name": f"First{u}",
                 "last_name": f"Last{u}", "language": "nl" if u == 1 else LANGUAGES[u % 4], "role": TRAINEE,
                 "company_id": 1 + u % args.companies, "password_hash": password_hash, "is_active": True,
                 "failed_login_count": 0, "password_changed_at": now, "created_at": now, "updated_at": now}
                for u in range(1, args.users + 1)])
    courses, translations, assignments = [], [], []
    for c in range(1, args.courses + 1):
        owner = 1 + c % args.companies if c % 20 == 0 else None  # 5% a company's own course
        is_global = owner is None and c % 10 != 0  # 10% assigned to a few companies
        courses.append({"id": c, "code": f"B-{c:05d}", "format": "elearning", "duration_hours": Decimal("1.5"),
                        "status": "published", "default_language": LANGUAGES[c % 4], "is_global": is_global,
                        "owner_company_id": owner, "completion_rule": "lessons", "published_at": now,
                        "attendance_threshold_percent": 100, "created_at": now, "updated_at": now})
        for language in LANGUAGES:
            title, summary = f"{text(rng, 3).capitalize()} {c} ({language})", text(rng, 25)
            translations.append({"course_id": c, "language": language, "updated_at": now, "title": title,
                                 "summary": summary, "search_text": fold_for_search(f"{title} {summary}")})
        if not is_global and owner is None:
            assignments += [{"course_id": c, "company_id": company, "assigned_at": now}
                            for company in rng.sample(range(1, args.companies + 1), min(3, args.companies))]
    bulk(Course, courses)
    bulk(CourseTranslation, translations)
    bulk(CourseCompany, assignments)
    lessons, lesson_texts = [], []
    for c in range(1, args.courses + 1):
        for position in range(1, args.lessons + 1):
            lesson_id = (c - 1) * args.lessons + position
            lessons.append({"id": lesson_id, "course_id": c, "position": position, "kind": "text"})
            for language in LANGUAGES:
                body = " ".join(text(rng, 12) for _ in range(6))
                lesson_texts.append({"lesson_id": lesson_id, "language": language, "updated_at": now,
                                     "title": f"Les {position} {language}", "body_source": body,
                                     "body_html": f"<p>{body}</p>"})
    bulk(Lesson, lessons)
    bulk(LessonTranslation, lesson_texts)
    generate_enrolments(args, rng, now)
    db.session.commit()
    fix_sequences()
    generate_company(args, now)


def fix_sequences():
    """Rows above were inserted with explicit ids: move PostgreSQL's id sequences past them."""
    if db.engine.dialect.name != "postgresql":
        return
    for model in (Company, User, Course, Lesson, Enrolment):
        table = model.__tablename__
        quoted = f'"{table}"'  # "user" is a reserved word in PostgreSQL
        db.session.execute(sql(f"SELECT setval(pg_get_serial_sequence('{quoted}', 'id'), "  # noqa: S608
                               f"(SELECT max(id) FROM {quoted}))"))


def generate_company(args, now):
    """A company admin (COMPANY_EMAIL) whose company has trainees, past classroom sessions with attendance
    marked, and issued certificates: the data behind the company pages."""
    import hashlib

    from bench.classroom import build
    from oscart.certificates.codes import new_code
    from oscart.certificates.models import Certificate
    from oscart.certificates.rendering import render_certificate

    build("company", companies=5, people_per_company=100, sessions=args.sessions, per_session=30)
    admin = db.session.scalar(select(User).where(User.email == COMPANY_EMAIL))
    people = list(db.session.scalars(select(User.id).where(User.company_id == admin.company_id,
                                                          User.role == TRAINEE).order_by(User.id)))
    from bench.certificates import facts

    pdf = render_certificate(facts())[0]  # one real PDF, stored for every row (size as in production)
    digest = hashlib.sha256(pdf).hexdigest()
    # Person, course and day repeat together every `cycle` rows; each round goes 700 days further back, so that no
    # two current certificates share person, course and completion day (a unique rule of the schema).
    cycle = math.lcm(len(people), args.courses, 700)
    rows = [{"code": new_code(), "issue_key": f"bench:{n}", "origin": "automatic", "user_id": people[n % len(people)],
             "company_id": admin.company_id, "course_id": 1 + n % args.courses, "language": "nl",
             "holder_name": f"Bench holder {n}", "course_title": f"Bench course {1 + n % args.courses}",
             "hours": Decimal("7.5"), "completed_on": (now - timedelta(days=n % 700 + 700 * (n // cycle))).date(),
             "valid_until": (now + timedelta(days=365 * 3 - n % 700)).date(), "pdf": pdf, "pdf_sha256": digest,
             "pdf_size": len(pdf), "is_signed": False} for n in range(args.certificates)]
    for start in range(0, len(rows), 1000):  # PDFs are ~30 KB each: smaller batches
        db.session.execute(insert(Certificate), rows[start:start + 1000])
    db.session.commit()


def generate_enrolments(args, rng, now):
    """Global courses only, so every enrolment is one its user may see; progress about ``--progress`` rows."""
    global_courses = [c for c in range(1, args.courses + 1) if c % 10 != 0]
    per_user = max(1, args.enrolments // args.users)
    done_per_enrolment = args.progress / max(1, args.enrolments)
    enrolments, progress, enrolment_id = [], [], 0
    for user in range(1, args.users + 1):
        for course in rng.sample(global_courses, min(per_user, len(global_courses))):
            enrolment_id += 1
            completed = rng.random() < 0.05
            done = args.lessons if completed else min(args.lessons, int(rng.random() * 2 * done_per_enrolment))
            enrolments.append({"id": enrolment_id, "user_id": user, "course_id": course,
                               "status": "completed" if completed else "in_progress",
                               "progress_percent": 100 if completed else 100 * done // args.lessons,
                               "enrolled_at": now - timedelta(days=rng.randint(1, 400)),
                               "due_at": now + timedelta(days=rng.randint(-30, 60)) if rng.random() < .3 else None,
                               "completed_at": now if completed else None})
            first_lesson = (course - 1) * args.lessons + 1
            progress += [{"enrolment_id": enrolment_id, "lesson_id": first_lesson + n, "completed_at": now}
                         for n in range(done)]
        if len(enrolments) >= CHUNK:
            bulk(Enrolment, enrolments)
            bulk(LessonProgress, progress)
            enrolments, progress = [], []
    bulk(Enrolment, enrolments)
    bulk(LessonProgress, progress)


def main(argv=None):
    from oscart.certificates.models import Certificate
    from oscart.classroom.models import Attendance

    args = parse_args(argv)
    if args.full:
        args.certificates, args.sessions = max(args.certificates, 100_000), max(args.sessions, 1_700)
    (ROOT / "instance").mkdir(exist_ok=True)
    app = create_app({"SQLALCHEMY_DATABASE_URI": args.database_url, "SECRET_KEY": "bench"})
    started = time.perf_counter()
    with app.app_context():
        db.drop_all()
        db.create_all()
        generate(args)
        # Planner statistics for the bulk-loaded tables, as autovacuum would gather them soon after a real load
        # (without them PostgreSQL scans lesson translations whole for one course's lessons).
        db.session.execute(sql("ANALYZE"))
        db.session.commit()
        counts = {model.__tablename__: db.session.query(model).count()
                  for model in (Company, User, Course, CourseTranslation, Lesson, Enrolment, LessonProgress,
                                Attendance, Certificate)}
    print(f"Generated in {time.perf_counter() - started:.0f} s: {counts}")


if __name__ == "__main__":
    main()
