"""Requests per second of the key training pages, as a ratio to a bare Flask endpoint in the same server and run.

    .venv/bin/python -m bench.generate                      # once: the dataset (see --help for sizes)
    .venv/bin/python -m bench.run                           # SQLite file instance/bench.db
    .venv/bin/python -m bench.run --database-url postgresql+psycopg://postgres@127.0.0.1:5432/oscart_bench

Serves bench.wsgi with gunicorn (2 sync workers) on 127.0.0.1, logs the benchmark trainee in, then loads each
URL with wrk (apt-get install wrk) for a fixed time. Only 127.0.0.1 is ever contacted.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from http.client import HTTPConnection

from bench.generate import BENCH_EMAIL, BENCH_PASSWORD, DEFAULT_DATABASE

HOST = "127.0.0.1"
TARGET_RATIO = 0.15


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=DEFAULT_DATABASE)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=10, help="load time per URL")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=2, help="repeat the whole series; the best round counts")
    return parser.parse_args(argv)


def start_server(args):
    env = {**os.environ, "DATABASE_URL": args.database_url, "OSCART_ENV": "production",
           "SECRET_KEY": "bench-only-secret", "MAIL_BACKEND": "memory", "RATELIMIT_LOGIN": "1000 per minute"}
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


def login(port):
    """Log the benchmark trainee in like a browser: read the CSRF token, post the form, keep the cookie."""
    conn = HTTPConnection(HOST, port, timeout=10)
    conn.request("GET", "/login")
    response = conn.getresponse()
    page = response.read().decode()
    cookie = response.getheader("Set-Cookie").split(";")[0]
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"csrf_token": token, "email": BENCH_EMAIL, "password": BENCH_PASSWORD})
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
    conn.request("GET", "/training/dashboard", headers={"Cookie": cookie})
    page = conn.getresponse().read().decode()
    course = re.search(r'href="(/training/courses/\d+)"', page).group(1)
    conn.request("GET", course, headers={"Cookie": cookie})
    page = conn.getresponse().read().decode()
    lesson = re.search(r'href="(/training/courses/\d+/lessons/\d+)', page).group(1)
    return course, lesson


def measure(port, path, cookie, args):
    """Requests per second reported by wrk; non-2xx answers make the run fail loudly."""
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
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")
    server = start_server(args)
    try:
        cookie = login(args.port)
        course, lesson = first_course_and_lesson(args.port, cookie)
        pages = {"bare Flask endpoint": ("/bench/bare", None), "empty logged-in page": ("/bench/empty", cookie),
                 "catalogue": ("/training/", cookie), "catalogue search": ("/training/?q=veiligheid", cookie),
                 "course page": (course, cookie), "lesson page": (lesson, cookie),
                 "trainee dashboard": ("/training/dashboard", cookie)}
        best = {}
        for _ in range(args.rounds):
            for name, (path, page_cookie) in pages.items():
                best[name] = max(best.get(name, 0), measure(args.port, path, page_cookie, args))
    finally:
        server.terminate()
        server.wait(timeout=10)
    report(best, args)


def report(best, args):
    bare = best["bare Flask endpoint"]
    print(f"\n{args.database_url.split('://')[0]} · gunicorn {args.workers} workers · wrk {args.connections} "
          f"connections × {args.seconds} s · best of {args.rounds} rounds\n")
    print("| page | requests/s | ratio to bare |\n|---|---:|---:|")
    for name, rps in best.items():
        flag = "" if name.startswith(("bare", "empty")) or rps / bare >= TARGET_RATIO else " ⚠ below 15%"
        print(f"| {name} | {rps:,.0f} | {100 * rps / bare:.0f}%{flag} |")


if __name__ == "__main__":
    main()
