"""The whole benchmark suite, end to end (``make bench``): dataset, page load, classroom, certificates.

    .venv/bin/python -m bench.run                           # SQLite file instance/bench.db, a few minutes
    .venv/bin/python -m bench.run --database-url postgresql+psycopg://postgres@127.0.0.1:5432/oscart_bench
    .venv/bin/python -m bench.run --full                    # the DESIGN §6 sizes (much longer)
    .venv/bin/python -m bench.run --only demo --seconds 2   # every page of every role on the demo data

1. ``bench.generate`` (re)builds the dataset (skip with --no-generate; it EMPTIES the database first).
2. Serves bench.wsgi with gunicorn (2 sync workers) on 127.0.0.1, logs the benchmark trainee and the company
   admin in, then loads each page with wrk (apt-get install wrk) for a fixed time, or, without wrk, with a
   bounded Python client. Each page is loaded right after a bare Flask endpoint and reported as the ratio of
   the two; the median over the rounds counts.
3. ``demo``: every GET page each role reaches on the demo data (``seed-demo`` after every migration, in its own
   database: instance/bench-demo.db, or the one of --database-url, which it empties). A trainee, the trainer, a
   company admin and the platform admin log in; their pages are found by following links (bench/crawl.py) and
   each is loaded right after the bare endpoint like the pages above, with its SQL statements.
4. ``workspace``: ``bench.workspace`` (a company admin's pages at 5,000 people × 50 courses) as a subprocess.
5. ``bench.classroom`` (query counts, attendance pages, streamed CSV) and ``bench/certificates.py`` (render,
   download, ZIP, merged PDF) as subprocesses; their Markdown reports are printed as they are.
Only 127.0.0.1 is ever contacted. Prints the load average at the start, since the machine may be shared.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from http.client import HTTPConnection
from statistics import median

from bench.classroom import PASSWORD as COMPANY_PASSWORD
from bench.crawl import crawl
from bench.generate import BENCH_EMAIL, BENCH_PASSWORD, COMPANY_EMAIL, DEFAULT_DATABASE, ROOT

HOST = "127.0.0.1"
TARGET_RATIO = 0.15
PARTS = ("pages", "demo", "workspace", "classroom", "certificates")
DEMO_DATABASE = f"sqlite:///{ROOT / 'instance' / 'bench-demo.db'}"
DEMO_PASSWORD = "Oscart-demo-2026"  # noqa: S105 - the demo accounts' password (README)
# One account per role (the company admin of the company without required two-step login).
DEMO_ACCOUNTS = (("trainee", "anna@acme.example"), ("trainer", "trainer@oscart.example"),
                 ("company admin", "hr@acme.example"), ("platform admin", "admin@oscart.example"))


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=DEFAULT_DATABASE)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=5, help="load time per URL")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3, help="repeat the whole series; the median counts")
    parser.add_argument("--full", action="store_true", help="DESIGN §6 sizes for the dataset (much longer)")
    parser.add_argument("--csv-rows", type=int, default=None, help="attendance rows for the CSV export "
                        "(default 100,000, the DESIGN §6 size)")
    parser.add_argument("--no-generate", action="store_true", help="reuse the existing dataset")
    parser.add_argument("--cpu", action="store_true", help="also the in-process CPU share of each page (see "
                        "count_statements): steadier than requests/s when the machine is shared")
    parser.add_argument("--only", choices=PARTS, action="append", help="run only these parts (repeatable)")
    parser.add_argument("--pages", metavar="PATTERN", help="demo: only the pages whose name (\"role: endpoint "
                        "path\", as in the report) matches this regular expression, e.g. 'trainer: classroom'")
    return parser.parse_args(argv)


def generate(args):
    """The dataset, at the small default sizes or the DESIGN §6 sizes with --full."""
    command = [sys.executable, "-m", "bench.generate", "--database-url", args.database_url]
    if not args.full:
        command += ["--users", "5000", "--enrolments", "50000", "--progress", "50000", "--sessions", "100",
                    "--certificates", "3000"]
    else:
        command += ["--full"]
    subprocess.run(command, check=True)


def start_server(args, database_url=None):
    env = {**os.environ, "DATABASE_URL": database_url or args.database_url, "OSCART_ENV": "production",
           "SECRET_KEY": "bench-only-secret", "MAIL_BACKEND": "memory", "RATELIMIT_LOGIN": "1000 per minute",
           # The demo's platform admin logs in with the password alone (no authenticator in a benchmark).
           "TWO_STEP_REQUIRED_FOR_PLATFORM_ADMINS": "false"}
    gunicorn = os.path.join(os.path.dirname(sys.executable), "gunicorn")
    server = subprocess.Popen([gunicorn, "-w", str(args.workers), "-b", f"{HOST}:{args.port}", "--log-level",
                               "warning", "bench.wsgi:app"], env=env)
    for _ in range(60):  # bounded wait for the server to answer
        try:
            urllib.request.urlopen(f"http://{HOST}:{args.port}/healthz", timeout=5)  # noqa: S310 - local only
            return server
        except OSError:  # refused while starting, or a timeout
            time.sleep(0.5)
    server.terminate()
    server.wait(timeout=10)
    raise SystemExit("gunicorn did not start")


def stop(server):
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:  # a worker still busy with a slow page
        server.kill()
        server.wait(timeout=10)


def login(port, email=BENCH_EMAIL, password=BENCH_PASSWORD):
    """Log a user in like a browser: read the CSRF token, post the form, keep the cookie."""
    conn = HTTPConnection(HOST, port, timeout=10)
    conn.request("GET", "/login")
    response = conn.getresponse()
    page = response.read().decode()
    cookie = response.getheader("Set-Cookie").split(";")[0]
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"csrf_token": token, "email": email, "password": password})
    conn.request("POST", "/login", body=body, headers={"Cookie": cookie,
                                                      "Content-Type": "application/x-www-form-urlencoded"})
    response = conn.getresponse()
    response.read()
    if response.status != 302:
        raise SystemExit(f"login failed with {response.status}")
    return response.getheader("Set-Cookie").split(";")[0]


def first_course_and_lesson(port, cookie):
    """A course the trainee follows and the lesson it resumes at, read from the dashboard and course page."""
    conn = HTTPConnection(HOST, port, timeout=10)
    conn.request("GET", "/dashboard", headers={"Cookie": cookie})
    page = conn.getresponse().read().decode()
    course = re.search(r'href="(/training/courses/\d+)"', page).group(1)
    conn.request("GET", course, headers={"Cookie": cookie})
    page = conn.getresponse().read().decode()
    lesson = re.search(r'href="(/training/courses/\d+/lessons/\d+)', page).group(1)
    return course, lesson


def measure_python(port, path, cookie, args):
    """Fallback without wrk: ``--connections`` threads with keep-alive connections for ``--seconds``."""
    headers = {"Cookie": cookie} if cookie else {}
    deadline = time.perf_counter() + args.seconds
    done, errors = [0] * args.connections, []

    def worker(index):
        conn = HTTPConnection(HOST, port, timeout=30)
        while time.perf_counter() < deadline:
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                errors.append(response.status)
                return
            done[index] += 1
        conn.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(args.connections)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=args.seconds + 60)
    if errors:
        raise SystemExit(f"{path} answered {errors[0]}")
    return sum(done) / (time.perf_counter() - started)


def measure(port, path, cookie, args):
    """Requests per second reported by wrk; non-2xx answers make the run fail loudly."""
    if not shutil.which("wrk"):
        return measure_python(port, path, cookie, args)
    command = ["wrk", "-t", "2", "-c", str(args.connections), "-d", f"{args.seconds}s", "--latency",
               f"http://{HOST}:{port}{path}"]
    if cookie:
        command[1:1] = ["-H", f"Cookie: {cookie}"]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    if "Non-2xx" in output:
        raise SystemExit(f"{path} answered errors:\n{output}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


def main(argv=None):
    args = parse_args(argv)
    parts = args.only or list(PARTS)
    load = os.getloadavg()
    print(f"# bench.run · {os.cpu_count()} CPUs · load average at the start {load[0]:.2f} {load[1]:.2f} "
          f"{load[2]:.2f} · {args.database_url.split('://')[0]} · load client "
          f"{'wrk' if shutil.which('wrk') else 'Python threads (wrk not installed)'}", flush=True)
    if "pages" in parts:
        if not args.no_generate:
            generate(args)
        pages_run(args)
    if "demo" in parts:
        demo_run(args)
    if "workspace" in parts:
        command = [sys.executable, "-m", "bench.workspace", "--seconds", str(args.seconds), "--rounds",
                   str(args.rounds), "--connections", str(args.connections)]
        if args.database_url != DEFAULT_DATABASE:  # it empties the database: the dataset is gone afterwards
            command += ["--database-url", args.database_url]
        if args.no_generate:
            command += ["--no-generate"]
        print(f"\n## Company workspace at scale ({' '.join(command[1:])})\n", flush=True)
        subprocess.run(command, check=True)
    if "classroom" in parts:
        rows = args.csv_rows or 100_000
        command = [sys.executable, "-m", "bench.classroom", "--rows", str(rows)]
        if args.database_url.startswith("postgresql"):  # it empties the database: the dataset is gone afterwards
            command += ["--database-url", args.database_url]
        print(f"\n## Classroom ({' '.join(command[1:])})\n", flush=True)
        subprocess.run(command, check=True)
    if "certificates" in parts:
        print("\n## Certificates (bench/certificates.py, SQLite in a temporary directory)\n", flush=True)
        subprocess.run([sys.executable, "bench/certificates.py"], check=True)
    load = os.getloadavg()
    print(f"\nload average at the end {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


def paired(args, targets, port=None):
    """Each target (name → (path, cookie)) loaded right after the bare endpoint, ``--rounds`` times.

    The machine's speed drifts during a run, and the ratio of two loads taken seconds apart does not drift with
    it. A page that answers anything but 2xx under load gets no sample (it shows as "errors").
    """
    port = port or args.port
    samples = {"bare Flask endpoint": [], **{name: [] for name in targets}}
    for _ in range(args.rounds):
        for name, (path, cookie) in targets.items():
            reference = measure(port, "/bench/bare", None, args)
            try:
                rps = measure(port, path, cookie, args)
            except SystemExit as error:
                print(f"  {name}: {error}", file=sys.stderr, flush=True)
                continue
            if reference <= 0:  # the workers were still busy with the previous page's requests
                continue
            samples["bare Flask endpoint"].append((reference, 1.0))
            samples[name].append((rps, rps / reference))
    return samples


def bench_app(database_url):
    from oscart import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "WTF_CSRF_ENABLED": False,
                      "RATELIMIT_ENABLED": False, "SECRET_KEY": "bench-only-secret"})
    app.add_url_rule("/bench/bare", "bench_bare", lambda: "ok")  # the reference of the in-process CPU share
    return app


def count_statements(app, accounts, pages, cpu=False):
    """SQL statements per page, counted in-process (one request each, after a warm-up).

    ``accounts`` maps a login e-mail to its password, ``pages`` a page name to (path, e-mail). With ``cpu``, also
    each page's CPU time in-process as a share of the bare endpoint's (process time of five alternating batches,
    the median), returned as a second dict: CPU time is what a busy machine disturbs least, and it counts the
    application only (no server, no network, on PostgreSQL not the database's own work).
    """
    from sqlalchemy import event

    from oscart.core.extensions import db

    clients = {}
    for email, password in accounts.items():
        clients[email] = app.test_client()
        clients[email].post("/login", data={"email": email, "password": password})
    with app.app_context():
        engine = db.engine
    counts, shares = {}, {}
    for name, (path, email) in pages.items():
        client = clients[email]
        client.get(path).close()
        seen = []
        listener = lambda *_, seen=seen: seen.append(1)  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            client.get(path).close()
        finally:
            event.remove(engine, "before_cursor_execute", listener)
        counts[name] = len(seen)
        if cpu:
            shares[name] = median(cpu_time(client, "/bench/bare", 20) / cpu_time(client, path, 8) for _ in range(5))
    with app.app_context():
        db.engine.dispose()
    return (counts, shares) if cpu else counts


def cpu_time(client, path, number):
    started = time.process_time()
    for _ in range(number):
        client.get(path).close()
    return (time.process_time() - started) / number


def pages_run(args):
    server = start_server(args)
    try:
        cookie = login(args.port)
        admin = login(args.port, COMPANY_EMAIL, COMPANY_PASSWORD)
        course, lesson = first_course_and_lesson(args.port, cookie)
        pages = {"empty logged-in page": ("/bench/empty", cookie),
                 "catalogue": ("/training/", cookie), "catalogue search": ("/training/?q=veiligheid", cookie),
                 "course page": (course, cookie), "lesson page": (lesson, cookie),
                 "trainee dashboard": ("/dashboard", cookie),
                 "company training matrix (admin)": ("/company/training", admin),
                 "company attendance view (admin)": ("/classroom/attendance", admin),
                 "company certificates (admin)": ("/certificates/company", admin)}
        samples = paired(args, pages)
    finally:
        stop(server)
    counted = {name: (path, COMPANY_EMAIL if "(admin)" in name else BENCH_EMAIL)
               for name, (path, _) in pages.items()}
    counts = count_statements(bench_app(args.database_url), {BENCH_EMAIL: BENCH_PASSWORD,
                                                            COMPANY_EMAIL: COMPANY_PASSWORD}, counted)
    report(samples, args, counts)


def seed_demo_database(database_url):
    """Empties the database and fills it with ``seed-demo`` (tables from the models, as the tests build them)."""
    if database_url.startswith("sqlite:///"):
        path = database_url.removeprefix("sqlite:///")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            if os.path.exists(path + suffix):
                os.remove(path + suffix)
    from sqlalchemy import text as sql

    from oscart.core.demo import seed_demo
    from oscart.core.extensions import db

    with bench_app(database_url).app_context():
        if database_url.startswith("postgresql"):
            with db.engine.begin() as conn:
                conn.execute(sql("DROP SCHEMA public CASCADE"))
                conn.execute(sql("CREATE SCHEMA public"))
        db.create_all()
        seed_demo()
        db.session.commit()
        db.engine.dispose()


def demo_run(args):
    """Every GET page of every role on the demo data, each right after the bare endpoint."""
    database_url = DEMO_DATABASE if args.database_url == DEFAULT_DATABASE else args.database_url
    if not args.no_generate:
        seed_demo_database(database_url)
    app = bench_app(database_url)
    server = start_server(args, database_url)
    try:
        cookies = {email: login(args.port, email, DEMO_PASSWORD) for _, email in DEMO_ACCOUNTS}
        pages, roles = {}, {}
        for role, email in DEMO_ACCOUNTS:
            for endpoint, path in crawl(HOST, args.port, cookies[email], app.url_map):
                name = f"{role}: {endpoint} {path}"
                if args.pages and not re.search(args.pages, name):
                    continue
                pages[name] = (path, email)
                roles[name] = role
        print(f"\n{len(pages)} pages found on the demo data{' matching ' + args.pages if args.pages else ''}: "
              + ", ".join(f"{role} {sum(r == role for r in roles.values())}" for role, _ in DEMO_ACCOUNTS),
              flush=True)
        samples = paired(args, {"empty logged-in page": ("/bench/empty", cookies[DEMO_ACCOUNTS[0][1]]),
                                **{name: (path, cookies[email]) for name, (path, email) in pages.items()}})
    finally:
        stop(server)
    counts = count_statements(app, {email: DEMO_PASSWORD for _, email in DEMO_ACCOUNTS}, pages, cpu=args.cpu)
    counts, shares = counts if args.cpu else (counts, {})
    print("\n### Every page of every role on the demo data")
    report(samples, args, counts, shares)


def report(samples, args, counts, shares=None):
    shares = shares or {}
    print(f"\n{args.database_url.split('://')[0]} · gunicorn {args.workers} workers · wrk {args.connections} "
          f"connections × {args.seconds} s · median of {args.rounds} rounds, each page right after the bare "
          "endpoint\n")
    extra = (" in-process CPU share |", "---:|") if shares else ("", "")
    print(f"| page | requests/s | ratio to bare | SQL statements |{extra[0]}\n|---|---:|---:|---:|{extra[1]}")
    for name, measured in samples.items():
        cpu = (f" {100 * shares[name]:.1f}% |" if name in shares else " – |") if shares else ""
        if not measured:
            print(f"| {name} | errors | – | {counts.get(name, '–')} |{cpu}")
            continue
        rps, ratio = median(m[0] for m in measured), median(m[1] for m in measured)
        flag = "" if name.startswith(("bare", "empty")) or ratio >= TARGET_RATIO else " ⚠ below 15%"
        print(f"| {name} | {rps:,.0f} | {100 * ratio:.1f}%{flag} | {counts.get(name, '–')} |{cpu}")


if __name__ == "__main__":
    main()
