"""CPU instructions per request of the key pages, counted by callgrind: repeatable on a busy machine.

    .venv/bin/python -m bench.generate --users 5000 --enrolments 50000 --progress 50000   # or after bench.run
    valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file=/tmp/oscart-cg.%p \\
        .venv/bin/python -m bench.instructions [page ...]

Requests per second move by a tenth between runs on a shared machine; instruction counts do not, so they
tell whether a change made a page cheaper. They leave out the kernel (file locks, sockets) and waiting, so
the wrk ratios of ``bench.run`` stay the measure of record. The app runs in-process (test client, production
configuration) on the benchmark dataset; instrumentation is switched on only around each page's requests.
"""

import argparse
import glob
import os
import re
import subprocess
import tempfile
from pathlib import Path

PAGES = ("bare", "empty", "catalogue", "search", "course", "lesson", "dashboard")
DEFAULT_DATABASE = f"sqlite:///{Path(__file__).resolve().parents[1] / 'instance' / 'bench.db'}"  # bench.generate's


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pages", nargs="*", default=list(PAGES), help=f"any of {', '.join(PAGES)} (default: all)")
    parser.add_argument("--requests", type=int, default=20, help="requests per page (after 5 warm-up requests)")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE)
    args = parser.parse_args()
    unknown = set(args.pages) - set(PAGES)
    if unknown:
        parser.error(f"unknown pages: {', '.join(sorted(unknown))}")
    os.environ.update({"DATABASE_URL": args.database_url, "OSCART_ENV": "production",
                       "SECRET_KEY": "bench-only-secret", "MAIL_BACKEND": "memory",
                       "RATELIMIT_LOGIN": "1000 per minute"})
    from bench.generate import BENCH_EMAIL, BENCH_PASSWORD  # imports the configuration: after the environment
    from bench.wsgi import app

    client = app.test_client()
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', client.get("/login").text).group(1)
    client.post("/login", data={"csrf_token": token, "email": BENCH_EMAIL, "password": BENCH_PASSWORD})
    course = re.search(r'href="(/training/courses/\d+)"', client.get("/dashboard").text).group(1)
    lesson = re.search(r'href="(/training/courses/\d+/lessons/\d+)', client.get(course).text).group(1)
    paths = {"bare": "/bench/bare", "empty": "/bench/empty", "catalogue": "/training/",
             "search": "/training/?q=veiligheid", "course": course, "lesson": lesson, "dashboard": "/dashboard"}
    pid = str(os.getpid())
    print("| page | instructions per request |\n|---|---:|")
    for name in args.pages:
        for _ in range(5):
            if client.get(paths[name]).status_code != 200:
                raise SystemExit(f"{paths[name]} does not answer 200")
        _control("-z", pid)
        _control("-i", "on", pid)
        for _ in range(args.requests):
            client.get(paths[name])
        _control("-d", pid)
        _control("-i", "off", pid)
        dump = max(glob.glob(os.path.join(tempfile.gettempdir(), f"oscart-cg.{pid}.*")), key=os.path.getmtime)
        with open(dump) as handle:
            total = next(int(line.split()[1]) for line in handle if line.startswith(("summary:", "totals:")))
        os.remove(dump)
        print(f"| {name} | {total / args.requests / 1e6:.2f} M |", flush=True)


def _control(*arguments):
    result = subprocess.run(["callgrind_control", *arguments], capture_output=True, text=True)
    if "No active callgrind runs" in result.stdout or result.returncode:
        raise SystemExit("run this module under valgrind --tool=callgrind --instr-atstart=no "
                         "--callgrind-out-file=/tmp/oscart-cg.%p (see the docstring)")


if __name__ == "__main__":
    main()
