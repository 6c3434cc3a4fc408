"""Simulated users of the portal for Locust (run by ``python -m bench.load``, which prepares the plan it reads).

    .venv-load/bin/locust -f bench/load/locustfile.py --headless --users 200 --spawn-rate 20 --run-time 5m \
        --host http://127.0.0.1:8783          # with LOAD_PLAN=plan.json LOAD_OUTCOMES=outcomes.json

Each simulated user has a client address of its own (``X-Forwarded-For``; the server trusts one proxy hop), as
people behind a proxy would, so that the per-address login limits apply to each one alone; the guessers share
an address or attack one account together on purpose. Forms are read like a browser reads them: the CSRF token
from the page, then a post. Every request checks its answer: a 429 where the design says so is reported as a
failure named "designed 429", anything unexpected as "unexpected …", so the summary can tell them apart.

Classes (the weights give 200 users roughly 150 trainees, 20 trainers and 20 company admins; the guessers are a
fixed number): trainees browse the catalogue, open their courses and lessons and complete lessons; trainers open
and save attendance sheets; company admins filter the employees, certificates and the training matrix and
download a small ZIP (one of them starts a bulk ZIP job once and waits for it); guessers type wrong passwords.
"""

import itertools
import json
import os
import re
from html import unescape
from http.cookiejar import DefaultCookiePolicy
from pathlib import Path

import gevent
from locust import FastHttpUser, between, events, task

PLAN = json.loads(Path(os.environ["LOAD_PLAN"]).read_text()) if os.environ.get("LOAD_PLAN") else {}
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]*)"')
COURSE = re.compile(r'href="(/training/courses/\d+)"')
NEXT_LESSON = re.compile(r'class="button button-primary" href="(/training/courses/\d+/lessons/\d+)[^"]*"')
DONE_FORM = re.compile(r'action="(/training/enrolments/\d+/lessons/\d+/done)"')
SHEET_ROW = re.compile(r'name="version-(\d+)" value="(\d*)"')
JOB = re.compile(r"/jobs/(\d+)$")

_addresses = itertools.count(1)
_trainees = itertools.count()
_victims = itertools.count()
_trainer_parts = itertools.count()
# What the checks after the run compare with the database (written at the end, see write_outcomes).
OUTCOMES = {"lockout": [], "address_limit": {"address": None, "counted": 0, "refused": 0, "order": []},
            "bulk_job": None}
_bulk_started = False


class BehindTLS(DefaultCookiePolicy):
    """The server marks its cookies Secure (production); this client talks plain HTTP to it, as a proxy that
    ends TLS would, so it sends them back anyway."""

    def return_ok_secure(self, cookie, request):
        return True


class NoCookies(DefaultCookiePolicy):
    """Guessers keep no cookie jar: each attempt carries the cookie of its own login page."""

    def set_ok(self, cookie, request):
        return False


def new_address():
    number = next(_addresses)
    return f"10.{number >> 16 & 255}.{number >> 8 & 255}.{number & 255}"


class PortalUser(FastHttpUser):
    abstract = True
    wait_time = between(2, 6)

    def on_start(self):
        self.client.cookiejar.set_policy(BehindTLS())
        self.address = new_address()

    def call(self, method, path, name, expect=(200,), designed=(), **kwargs):
        """One request, its answer checked: ``expect`` statuses pass, ``designed`` ones fail as designed."""
        headers = {"X-Forwarded-For": self.address, **kwargs.pop("headers", {})}
        with self.client.request(method, path, name=name, headers=headers, catch_response=True,
                                 allow_redirects=False, **kwargs) as response:
            if response.status_code in expect:
                response.success()
            elif response.status_code in designed:
                response.failure(f"designed {response.status_code}")
            else:
                response.failure(f"unexpected {response.status_code}")
        return response

    def form_token(self, path, name):
        response = self.call("GET", path, name)
        match = CSRF.search(response.text or "")
        return (unescape(match.group(1)) if match else None), response

    def login(self, email, password, name="login"):
        token, _ = self.form_token("/login", "login page")
        if token is None:
            return None
        return self.call("POST", "/login", name, expect=(200, 302), designed=(429,),
                         data={"csrf_token": token, "email": email, "password": password})

    def log_in_or_stop(self, email, password):
        response = self.login(email, password)
        if response is None or response.status_code != 302:
            raise RuntimeError(f"{email} could not log in")


class Trainee(PortalUser):
    weight = 15

    def on_start(self):
        super().on_start()
        trainees = PLAN["trainees"]
        number = next(_trainees)
        self.email = trainees[number % len(trainees)]
        if number % 10 == 0:  # now and then someone mistypes first (a designed failure, then a login)
            self.login(self.email, "not my password", name="login: mistyped password")
        self.log_in_or_stop(self.email, PLAN["password"])
        self.courses = []

    @task(3)
    def catalogue(self):
        self.call("GET", "/training/", "trainee: catalogue")

    @task(1)
    def search(self):
        self.call("GET", "/training/?q=veiligheid", "trainee: catalogue search")

    @task(2)
    def dashboard(self):
        response = self.call("GET", "/dashboard", "trainee: dashboard")
        self.courses = sorted(set(COURSE.findall(response.text or ""))) or self.courses

    @task(6)
    def follow_a_course(self):
        """Open a course, its next lesson, and mark that lesson done (the course may complete: a certificate)."""
        if not self.courses:
            return self.dashboard()
        course = self.courses[hash(self.email) % len(self.courses)]
        response = self.call("GET", course, "trainee: course")
        lesson = NEXT_LESSON.search(response.text or "")
        if lesson is None:  # every lesson done (a knowledge check or certificate left): take another course
            self.courses.remove(course)
            return None
        response = self.call("GET", lesson.group(1), "trainee: lesson")
        form, token = DONE_FORM.search(response.text or ""), CSRF.search(response.text or "")
        if form and token:
            self.call("POST", form.group(1), "trainee: lesson done", expect=(302,),
                      data={"csrf_token": unescape(token.group(1))})
        return None

    @task(1)
    def certificates(self):
        self.call("GET", "/certificates/", "trainee: my certificates")


class Trainer(PortalUser):
    weight = 2

    def on_start(self):
        super().on_start()
        self.log_in_or_stop(PLAN["trainer"], PLAN["trainer_password"])
        parts = PLAN["parts"]
        self.part = parts[next(_trainer_parts) % len(parts)]  # a sheet of its own: no conflict with another
        self.round = 0

    @task(3)
    def open_sheet(self):
        self.call("GET", f"/classroom/parts/{self.part}/sheet", "trainer: attendance sheet")

    @task(2)
    def save_sheet(self):
        path = f"/classroom/parts/{self.part}/sheet"
        response = self.call("GET", path, "trainer: attendance sheet")
        token = CSRF.search(response.text or "")
        if token is None:
            return
        self.round += 1
        data = {"csrf_token": unescape(token.group(1))}
        for index, (user_id, version) in enumerate(SHEET_ROW.findall(response.text)):
            data[f"version-{user_id}"] = version
            data[f"status-{user_id}"] = "late" if (index + self.round) % 7 == 0 else "present"
            data[f"minutes-{user_id}"] = "150" if (index + self.round) % 7 == 0 else ""
            data[f"note-{user_id}"] = f"round {self.round}" if index == 0 else ""
        self.call("POST", path, "trainer: save attendance sheet", expect=(302,), data=data)

    @task(1)
    def sessions(self):
        self.call("GET", "/classroom/teach", "trainer: sessions")


class CompanyAdmin(PortalUser):
    weight = 2

    def on_start(self):
        super().on_start()
        self.log_in_or_stop(PLAN["admin"], PLAN["admin_password"])
        self.turn = itertools.count()

    def pick(self, items):
        return items[next(self.turn) % len(items)]

    @task(3)
    def employees(self):
        query = self.pick(["", "?q=P1", "?q=C2&page=2", "?page=3", "?state=all"])
        self.call("GET", f"/company/employees{query}", "admin: employees")

    @task(3)
    def certificates(self):
        query = self.pick(["", f"?course={self.pick(PLAN['courses'])}", "?status=expiring&within=90",
                           f"?employee={self.pick(PLAN['holders'])}", "?page=2", "?status=valid"])
        self.call("GET", f"/certificates/company{query}", "admin: certificates")

    @task(2)
    def matrix(self):
        query = self.pick(["", "?status=completed", "?q=P2", "?status=overdue", "?page=2"])
        self.call("GET", f"/company/training{query}", "admin: training matrix")

    @task(1)
    def small_zip(self):
        """The certificates of one employee (a few): the ZIP streams in the answer."""
        self.call("GET", f"/certificates/company/certificates.zip?employee={self.pick(PLAN['holders'])}",
                  "admin: certificates ZIP (one employee)")

    @task(1)
    def bulk_zip(self):
        """Once in the whole run: a ZIP of every certificate of the company, prepared as a job."""
        global _bulk_started
        if _bulk_started:
            return
        _bulk_started = True
        token, _ = self.form_token("/certificates/company", "admin: certificates")
        response = self.call("POST", "/certificates/company/jobs", "admin: start bulk ZIP job", expect=(302,),
                             data={"csrf_token": token, "format": "zip"})
        job = JOB.search(response.headers.get("Location", "") or "")
        if job is None:
            return
        job_id, polls = int(job.group(1)), 0
        OUTCOMES["bulk_job"] = {"id": job_id, "downloaded": None}
        while polls < 150:  # the page refreshes every 2 s while the job runs (at most 5 minutes here)
            polls += 1
            page = self.call("GET", f"/jobs/{job_id}", "admin: bulk job page")
            if f"/jobs/{job_id}/download" in (page.text or ""):
                break
            gevent.sleep(2)
        download = self.call("GET", f"/jobs/{job_id}/download", "admin: bulk job download")
        OUTCOMES["bulk_job"].update(downloaded=len(download.content or b""), polls=polls,
                                    status=download.status_code)


class Attacker(PortalUser):
    abstract = True

    def on_start(self):
        super().on_start()
        self.client.cookiejar.set_policy(NoCookies())


class Guesser(Attacker):
    """Attacks one account at a time from several addresses at once: LOGIN_MAX_FAILURES wrong passwords and a
    few more, all in parallel, then the right one. The account must lock at exactly that count, whichever of
    the four gunicorn workers takes each attempt, and the right password must be refused while it is locked."""

    fixed_count = 4
    wait_time = between(5, 10)
    PARALLEL = 7

    @task
    def attack(self):
        victims = PLAN["victims"]
        number = next(_victims)
        if number >= len(victims):
            return
        email = victims[number]
        # Each attempt from its own address, with its own session and token.
        attempts = [Attempt(self, new_address()) for _ in range(self.PARALLEL)]
        jobs = [gevent.spawn(attempt.post, email, "wrong-password-123") for attempt in attempts]
        gevent.joinall(jobs, timeout=60)
        right = Attempt(self, new_address()).post(email, PLAN["password"])
        OUTCOMES["lockout"].append({"email": email, "wrong": [job.value for job in jobs],
                                    "right_password_after": right})


class Attempt:
    """One login attempt of a Guesser, from ``address``, with a session of its own."""

    def __init__(self, user, address):
        self.user, self.address = user, address
        self.token, self.cookie = None, None
        response = user.client.request("GET", "/login", name="login page (guesser)",
                                       headers={"X-Forwarded-For": address})
        self.cookie = "; ".join(part.split(";")[0] for part in _set_cookies(response))
        match = CSRF.search(response.text or "")
        self.token = unescape(match.group(1)) if match else ""

    def post(self, email, password):
        with self.user.client.request(
                "POST", "/login", name="login: guessed password", catch_response=True, allow_redirects=False,
                headers={"X-Forwarded-For": self.address, "Cookie": self.cookie},
                data={"csrf_token": self.token, "email": email, "password": password}) as response:
            if response.status_code in (200, 302):
                response.success()
            elif response.status_code == 429:
                response.failure("designed 429")
            else:
                response.failure(f"unexpected {response.status_code}")
            return response.status_code


def _set_cookies(response):
    headers = response.headers
    values = headers.get_all("Set-Cookie") or []
    return [values] if isinstance(values, str) else values


class Office(Attacker):
    """An office behind one address where someone tries addresses that do not exist, a few at a time: the
    address may have exactly RATELIMIT_LOGIN's first figure of failures, then every attempt is refused with 429
    (whichever worker takes it), and stops once it has seen enough refusals."""

    fixed_count = 1
    wait_time = between(1, 2)
    PARALLEL = 3
    REFUSALS_WANTED = 10

    def on_start(self):
        super().on_start()
        self.address = "192.0.2.10"
        self.tries = itertools.count()
        OUTCOMES["address_limit"]["address"] = self.address

    @task
    def guess(self):
        tally = OUTCOMES["address_limit"]
        if tally["refused"] >= self.REFUSALS_WANTED:
            return
        attempts = [Attempt(self, self.address) for _ in range(self.PARALLEL)]
        jobs = [gevent.spawn(attempt.post, f"nobody{next(self.tries)}@office.example", "guess")
                for attempt in attempts]
        gevent.joinall(jobs, timeout=60)
        for job in jobs:
            status = job.value
            tally["order"].append(status)
            tally["refused" if status == 429 else "counted"] += status is not None and 1


@events.quitting.add_listener
def write_outcomes(environment, **_kwargs):
    path = os.environ.get("LOAD_OUTCOMES")
    if path:
        with open(path, "w") as handle:
            json.dump(OUTCOMES, handle, indent=1)
