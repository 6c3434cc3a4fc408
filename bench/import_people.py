"""Importing 5,000 people from a file: how long reading, checking (the preview) and importing take.

    .venv/bin/python -m bench.import_people                     # SQLite file /tmp/oscart-import-bench.db
    .venv/bin/python -m bench.import_people --database-url postgresql+psycopg://postgres@127.0.0.1:5432/db

The database is EMPTIED and built with create_all. One company with 20 groups, 10 job roles and 1,000 people
already in it (so part of the file updates people); the file has 5,000 lines, of which 4,000 are new people
with groups, a job role, an employee number and a manager. Steps, each timed and counted in SQL statements:
read the CSV, preview (check every line), import with the invitation mails queued (delivered by the
worker afterwards, as in production), then the same file again
(nothing to change) and a file that renames everyone (5,000 updates). The target is under 10 s for check and
import together.
"""

import argparse
import csv
import io
import time

from sqlalchemy import event, func, select

DEFAULT_DATABASE = "sqlite:////tmp/oscart-import-bench.db"
ROWS = 5000
EXISTING = 1000


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=DEFAULT_DATABASE)
    parser.add_argument("--rows", type=int, default=ROWS)
    return parser.parse_args(argv)


def people_csv(rows, rename=False):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(["E-mail", "Voornaam", "Achternaam", "Taal", "Groepen", "Functie", "Personeelsnummer",
                     "Leidinggevende"])
    for n in range(rows):
        manager = f"person{n // 50 * 50}@bench.example" if n % 50 else ""
        writer.writerow([f"person{n}@bench.example", f"First{n}" + ("x" if rename else ""), f"Last{n}",
                         ("nl", "fr", "de", "en")[n % 4], f"Group {n % 20}|Group {(n + 7) % 20}",
                         f"Role {n % 10}", f"E{n:06d}", manager])
    return buffer.getvalue().encode("utf-8-sig")


def build(app):
    from oscart.accounts.models import User
    from oscart.companies.models import Company, Group, JobRole
    from oscart.core.extensions import db
    from oscart.core.security import COMPANY_ADMIN, TRAINEE

    db.drop_all()
    db.create_all()
    company = Company(name="Import Bench", default_language="nl")
    db.session.add(company)
    db.session.flush()
    db.session.add_all([Group(company_id=company.id, name=f"Group {n}") for n in range(20)])
    db.session.add_all([JobRole(company_id=company.id, name=f"Role {n}") for n in range(10)])
    admin = User(email="hr@bench.example", first_name="Hanna", last_name="HR", role=COMPANY_ADMIN,
                 company_id=company.id, language="en", password_hash="x")
    db.session.add(admin)
    db.session.add_all([User(email=f"person{n}@bench.example", first_name=f"First{n}", last_name=f"Last{n}",
                             role=TRAINEE, company_id=company.id, language="nl", password_hash="x")
                        for n in range(0, ROWS, ROWS // EXISTING)])
    db.session.commit()
    analyze()
    return admin.id


def analyze():
    """Table statistics as a running portal has them (autovacuum analyzes a table within a minute of a large
    change): a table built a moment ago has none on PostgreSQL, and the planner then scans every row."""
    from sqlalchemy import text

    from oscart.core.extensions import db

    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("ANALYZE"))


class Counter:
    def __init__(self, engine):
        self.count = 0
        event.listen(engine, "before_cursor_execute", self)

    def __call__(self, *args):
        self.count += 1


def timed(label, counter, action, results):
    from oscart.core.extensions import db

    counter.count = 0
    start = time.perf_counter()
    value = action()
    db.session.commit()
    seconds = time.perf_counter() - start
    results.append((label, seconds, counter.count))
    return value


def run(database_url, rows):
    from app import create_app
    from oscart.accounts.models import User
    from oscart.core.extensions import db
    from oscart.mail.models import OutboxMessage
    from oscart.workspace import imports

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "TESTING": True, "MAIL_BACKEND": "memory",
                      "MAIL_DELIVER_INLINE": False})
    results = []
    with app.test_request_context("/company/import/"):
        admin_id = build(app)
        counter = Counter(db.engine)
        admin = db.session.get(User, admin_id)

        def full_import(data, name):
            upload = timed(f"{name}: read the file", counter, lambda: imports.upload_people_file(
                admin, filename="people.csv", data=data), results)
            plan = timed(f"{name}: check every line (preview)", counter,
                         lambda: imports.preview_import(upload, admin), results)
            return timed(f"{name}: import", counter, lambda: imports.confirm_import(
                upload, actor=db.session.get(User, admin_id), digest=plan.digest), results)

        first = full_import(people_csv(rows), "first import")
        analyze()
        again = full_import(people_csv(rows), "same file again")
        renamed = full_import(people_csv(rows, rename=True), "everyone renamed")
        mails = db.session.scalar(select(func.count(OutboxMessage.id)))
    print(f"## People import, {rows} lines ({database_url.split(':')[0]})\n")
    print("| step | seconds | SQL statements |\n|---|---:|---:|")
    for label, seconds, count in results:
        print(f"| {label} | {seconds:.2f} | {count} |")
    for name, outcome in (("first", first), ("again", again), ("renamed", renamed)):
        print(f"\n{name}: {outcome}")
    print(f"\ninvitation mails queued: {mails}")
    check_and_import = sum(seconds for label, seconds, _ in results[:3])
    print(f"\nfirst import, read + check + import: {check_and_import:.2f} s (target < 10 s)")


if __name__ == "__main__":
    arguments = parse_args()
    run(arguments.database_url, arguments.rows)
