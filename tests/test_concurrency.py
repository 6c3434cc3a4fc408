"""Limited and single-use things hold under simultaneous requests to a server with several worker processes.

One gunicorn with three workers serves the test database (the SQLite file, or the database of --database-url);
the data is made through the services, then several logged-in clients send the same request at the same moment.
"""

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from datetime import UTC, datetime, time, timedelta
from functools import partial
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.pool import NullPool

from oscart.audit.models import AuditEvent
from oscart.auth import reset
from oscart.auth.models import RecoveryCode
from oscart.certificates import dates
from oscart.classroom.models import CANCELLED, REGISTERED, WAITLISTED, Registration
from oscart.classroom.registrations import register_user
from oscart.core import local_time
from oscart.core.exceptions import NotFound
from oscart.core.extensions import db
from oscart.core.locking import lock
from oscart.core.security import COMPANY_ADMIN, PLATFORM_ADMIN
from oscart.mail.models import OutboxMessage
from oscart.privacy.models import PrivacyRequest
from oscart.privacy.requests import file_request
from oscart.training import enrolling, progress
from oscart.training.models import Lesson
from oscart.training.quiz_models import Choice, QuizAttempt
from tests.factories import (
    PASSWORD,
    enable_two_step,
    make_certificate,
    make_company,
    make_course,
    make_elearning_course,
    make_training_session,
    make_user,
    pyotp_code,
)
from tests.helpers import csrf_from

ROOT = Path(__file__).resolve().parent.parent
WORKERS = 3
CLIENTS = 8
TIMEOUT = 30  # seconds any one request, or the server's start, may take before the test fails


# Stopping: once the tests are done nothing is under way, so workers and master leave without the interpreter's
# clean-up (collecting a large heap at exit took seconds per process).
GUNICORN_CONFIG = """
import os
import re


def worker_int(worker):
    os._exit(0)


def on_exit(server):
    os._exit(0)
"""


@pytest.fixture(scope="module")
def server_folder():
    """The server's configuration and log (mail goes to the console, so the log shows every message sent)."""
    with tempfile.TemporaryDirectory(prefix="oscart-gunicorn-") as folder:
        yield Path(folder)


@pytest.fixture(scope="module")
def server(app, server_folder):
    """The base URL of gunicorn (three workers) on a free local port, serving the test database."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)  # requests made before the workers are up wait in the queue
    # Refused codes and links count toward rate limits; these tests send many on purpose.
    config = {"TESTING": True, "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
              "MAIL_BACKEND": "console",
              **{name: "1000 per minute" for name in ("RATELIMIT_RESET", "RATELIMIT_TWO_STEP",
                                                      "RATELIMIT_TWO_STEP_ACCOUNT")}}
    settings = server_folder / "gunicorn.conf.py"
    settings.write_text(GUNICORN_CONFIG)
    with (server_folder / "server.log").open("wb") as log:
        process = subprocess.Popen(
            [str(Path(sys.executable).parent / "gunicorn"), "--config", str(settings), "--workers", str(WORKERS),
             "--preload", "--no-control-socket", "--timeout", str(TIMEOUT), "--bind", f"fd://{listener.fileno()}",
             f"oscart:create_app({config!r})"],
            cwd=ROOT, pass_fds=[listener.fileno()], stdout=log, stderr=log, env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        listener.close()
    output = (server_folder / "server.log").read_text(errors="replace")
    assert "Traceback" not in output, output[-4000:]


def log_size(server_folder):
    return (server_folder / "server.log").stat().st_size


def sent_counts(server_folder, since):
    """How often each outbox message was sent, by id, as the server's console mail backend printed them after
    ``since`` (a size of the log: ids start again in a test's empty tables)."""
    with (server_folder / "server.log").open("rb") as file:
        file.seek(since)
        log = file.read().decode(errors="replace")
    return Counter(int(number) for number in re.findall(r"^Message-ID: <oscart\.(\d+)\.", log, re.MULTILINE))


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Client:
    """One browser: its own cookies; posts forms with the CSRF token read from a page, without following
    redirects."""

    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
                                                  _NoRedirects())
        self.token = None

    def request(self, path, data=None):
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, body, timeout=TIMEOUT) as response:
                return response.status, response.headers.get("Location", ""), response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers.get("Location", ""), error.read().decode()

    def read_token(self, page="/privacy"):
        status, _location, html = self.request(page)
        assert status == 200, (page, status)
        self.token = csrf_from(html)

    def post(self, path, data=None):
        return self.request(path, {"csrf_token": self.token, **(data or {})})

    def login(self, email):
        self.read_token("/login")
        status, location, _html = self.post("/login", {"email": email, "password": PASSWORD})
        assert status == 302, status
        self.read_token()
        return location


def simultaneously(calls):
    """Run every function at the same moment, each in its own thread; their results in order."""
    barrier = threading.Barrier(len(calls), timeout=TIMEOUT)
    results = [None] * len(calls)

    def run(index, call):
        barrier.wait()
        results[index] = call()

    threads = [threading.Thread(target=run, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)
    assert all(result is not None for result in results), "a call did not finish"
    return results


def at_once(requests):
    """Send every ``(client, path, data)`` at the same moment, each from its own thread; their answers in order."""
    return simultaneously([partial(client.post, path, data) for client, path, data in requests])


def _logged_in(server, users):
    clients = []
    for user in users:
        client = Client(server)
        client.login(user.email)
        clients.append(client)
    return clients


def _statuses(session):
    db.session.expire_all()
    return list(db.session.execute(select(Registration.user_id, Registration.status, Registration.position)
                                   .where(Registration.session_id == session.id)
                                   .order_by(Registration.id)).all())


# --- Seats ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["trainee", "company admin"])
def test_a_session_never_takes_more_registrations_than_it_has_seats(server, server_folder, who):
    company = make_company()
    people = [make_user(company=company) for _ in range(CLIENTS)]
    session = make_training_session(capacity=2)
    if who == "trainee":
        requests = [(client, f"/classroom/sessions/{session.id}/register", None)
                    for client in _logged_in(server, people)]
    else:  # one company admin, logged in on several devices, registers a different employee from each
        admin = make_user(role=COMPANY_ADMIN, company=company)
        requests = [(client, f"/classroom/sessions/{session.id}/employees",
                     {"user_ids": [str(person.id)], "action": "register"})
                    for client, person in zip(_logged_in(server, [admin] * CLIENTS), people, strict=True)]
    since = log_size(server_folder)
    answers = at_once(requests)
    assert [status for status, _location, _html in answers] == [302] * CLIENTS
    rows = _statuses(session)
    assert sorted(row.status for row in rows) == [REGISTERED] * 2 + [WAITLISTED] * (CLIENTS - 2)
    assert sorted(row.position for row in rows if row.status == WAITLISTED) == list(range(1, CLIENTS - 1))
    # Each worker sends what is due after its request: every confirmation went out, and only once.
    queued = db.session.scalars(select(OutboxMessage.id)).all()
    assert len(queued) == CLIENTS
    counts = sent_counts(server_folder, since)
    assert [counts[number] for number in queued] == [1] * CLIENTS


def test_simultaneous_cancellations_promote_exactly_as_many_people_as_seats_came_free(server):
    company = make_company()
    seated = [make_user(company=company) for _ in range(3)]
    waiting = [make_user(company=company) for _ in range(5)]
    session = make_training_session(capacity=3)
    for person in seated + waiting:
        register_user(session, person, actor=person)
    db.session.commit()
    answers = at_once([(client, f"/classroom/sessions/{session.id}/cancel", None)
                       for client in _logged_in(server, seated)])
    assert [status for status, _location, _html in answers] == [302] * 3
    status = {row.user_id: row.status for row in _statuses(session)}
    assert [status[person.id] for person in seated] == [CANCELLED] * 3
    assert [status[person.id] for person in waiting] == [REGISTERED] * 3 + [WAITLISTED] * 2


# --- Quiz attempts ----------------------------------------------------------------------------------------

def test_a_knowledge_check_is_never_taken_more_often_than_allowed(server):
    person = make_user(company=make_company())
    course = make_elearning_course(lessons=1, completion_rule="lessons_quiz",
                                   quiz={"nl": [("Welk nummer?", ["101", "112"], 1)], "max_attempts": 1})
    enrolment = enrolling.enrol(person, course.id)
    progress.mark_lesson_done(person, enrolment.id, db.session.scalar(select(Lesson.id)
                                                                      .where(Lesson.course_id == course.id)))
    db.session.commit()
    clients = _logged_in(server, [person] * CLIENTS)
    started = at_once([(client, f"/training/enrolments/{enrolment.id}/quiz", None) for client in clients])
    attempt_paths = {urllib.parse.urlsplit(location).path for _status, location, _html in started}
    assert len(attempt_paths) == 1  # everyone was given the one open attempt
    question, wrong = db.session.execute(select(Choice.question_id, Choice.id)
                                         .where(Choice.is_correct.is_(False))).one()
    path = attempt_paths.pop()
    submitted = at_once([(client, path, {f"q{question}": str(wrong)}) for client in clients])
    assert [status for status, _location, _html in submitted] == [302] * CLIENTS
    db.session.expire_all()
    assert db.session.scalar(select(func.count(QuizAttempt.id))) == 1
    assert db.session.scalar(select(func.count(QuizAttempt.id)).where(QuizAttempt.submitted_at.isnot(None))) == 1
    assert db.session.scalar(select(func.count(AuditEvent.id))
                             .where(AuditEvent.action == "training.quiz_attempt")) == 1


# --- Single-use links and codes -------------------------------------------------------------------------

@pytest.mark.parametrize("purpose", ["reset", "invite"])
def test_a_reset_or_welcome_link_works_exactly_once(server, purpose):
    person = make_user(company=make_company())
    path = urllib.parse.urlsplit(reset.reset_url(reset.make_reset_token(person, purpose))).path
    clients = [Client(server) for _ in range(CLIENTS)]
    for client in clients:
        client.read_token(path)
    answers = at_once([(client, path, {"password": f"new password number {index}",
                                       "confirm": f"new password number {index}"})
                       for index, client in enumerate(clients)])
    assert sum(1 for status, location, _html in answers if status == 302 and location.endswith("/login")) == 1
    db.session.expire_all()
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == "password.reset")) == 1


@pytest.mark.parametrize("kind", ["recovery code", "current code"])
def test_a_two_step_code_logs_in_exactly_once(server, kind):
    person = make_user(company=make_company())
    secret, recovery = enable_two_step(person, codes=True)
    code = recovery[0] if kind == "recovery code" else pyotp_code(secret)
    clients = _logged_in(server, [person] * CLIENTS)
    for client in clients:
        client.read_token("/login/two-step")
    answers = at_once([(client, "/login/two-step", {"code": code}) for client in clients])
    assert sorted(status for status, _location, _html in answers) == [200] * (CLIENTS - 1) + [302]
    db.session.expire_all()
    assert db.session.scalar(select(func.count(RecoveryCode.id)).where(RecoveryCode.used_at.isnot(None))) == (
        1 if kind == "recovery code" else 0)



# --- Requests and decisions made once -------------------------------------------------------------------

def test_a_privacy_request_sent_several_times_at_once_is_filed_once(server):
    person = make_user(company=make_company())
    answers = at_once([(client, "/privacy/me/requests/new", {"kind": "rectify", "motivation": "My name is wrong."})
                       for client in _logged_in(server, [person] * CLIENTS)])
    assert sorted(status for status, _location, _html in answers) == [200] * (CLIENTS - 1) + [302]
    assert db.session.scalar(select(func.count(PrivacyRequest.id))) == 1


@pytest.mark.parametrize("what", ["privacy request", "certificate"])
def test_a_decision_sent_by_several_admins_at_once_is_taken_once(server, what):
    person = make_user(company=make_company())
    if what == "privacy request":
        filed = file_request(person, kind="rectify", motivation="My name is wrong.", ip="192.0.2.1")
        path, data, action = f"/admin/privacy/requests/{filed.id}", {"reason": "Done.", "grant": "y"}, \
            "privacy.request_decided"
    else:
        certificate = make_certificate(person)
        path, data, action = f"/certificates/manage/{certificate.id}/revoke", {"revoke-reason": "Issued in error."}, \
            "certificate.revoked"
    db.session.commit()
    admins = [make_user(role=PLATFORM_ADMIN) for _ in range(CLIENTS)]
    at_once([(client, path, data) for client in _logged_in(server, admins)])
    db.session.expire_all()
    assert db.session.scalar(select(func.count(AuditEvent.id)).where(AuditEvent.action == action)) == 1



def test_expiry_reminders_started_in_several_processes_at_once_go_out_once(app):
    company = make_company()
    make_user(role=COMPANY_ADMIN, company=company)
    expires = local_time.today() + timedelta(days=10)
    completed = datetime.combine(dates.add_months(expires, -12), time(12), tzinfo=UTC)
    make_certificate(make_user(company=company), make_course(validity_months=12), completed_at=completed)
    runners = [app.test_cli_runner() for _ in range(4)]
    results = simultaneously([partial(runner.invoke, args=["certificates", "remind", "--days", "30"])
                              for runner in runners])
    assert [result.exit_code for result in results] == [0] * 4, [result.output for result in results]
    db.session.expire_all()
    reminders = ["certificate_expiring", "certificates_expiring_company"]  # to the holder and the company admin
    assert sorted(db.session.scalars(select(OutboxMessage.template)
                                     .where(OutboxMessage.template.in_(reminders)))) == reminders


# --- The lock itself ---------------------------------------------------------------------------------------

@pytest.fixture
def other_connection(app):
    """A second connection to the test database, as another worker has, that never waits for a lock."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    sqlite = url.startswith("sqlite")
    engine = create_engine(url, poolclass=NullPool, connect_args={"timeout": 0} if sqlite else {})
    with engine.connect() as connection:
        if not sqlite:
            connection.exec_driver_sql("SET lock_timeout = 1")
            connection.commit()
        yield connection
    engine.dispose()


def test_a_locked_session_keeps_other_writers_out_until_the_transaction_ends_and_readers_read_on(other_connection):
    session = make_training_session(capacity=1)
    change = text("UPDATE training_session SET capacity = 5 WHERE id = :id").bindparams(id=session.id)
    lock(session)
    assert other_connection.scalar(text("SELECT capacity FROM training_session WHERE id = :id"),
                                   {"id": session.id}) == 1
    with pytest.raises(OperationalError):
        other_connection.execute(change)
    other_connection.rollback()
    db.session.rollback()
    other_connection.execute(change)
    other_connection.commit()
    lock(session)  # and reloads it: the locking request decides on what the others committed
    assert session.capacity == 5


def test_locking_a_row_again_in_the_same_transaction_sends_nothing(count_queries):
    session = make_training_session()
    lock(session)
    with count_queries() as counter:
        lock(session)
    assert counter.count == 0


def test_a_row_deleted_by_another_request_before_the_lock_is_not_found(other_connection):
    company = make_company()
    other_connection.execute(text("DELETE FROM company WHERE id = :id"), {"id": company.id})
    other_connection.commit()
    with pytest.raises(NotFound):
        lock(company)


@pytest.mark.parametrize("page", ["session", "course", "attempt", "reset link"])
def test_pages_that_only_show_take_no_lock(browser, count_queries, page):
    person = make_user(company=make_company())
    session = make_training_session()
    course = make_elearning_course(lessons=1, quiz={"nl": [("Welk nummer?", ["101", "112"], 1)]})
    enrolment = enrolling.enrol(person, course.id)
    progress.mark_lesson_done(person, enrolment.id, db.session.scalar(select(Lesson.id)
                                                                      .where(Lesson.course_id == course.id)))
    db.session.commit()
    browser.login(person.email)
    if page == "attempt":
        path = browser.submit(f"/training/enrolments/{enrolment.id}/quiz").headers["Location"]
    else:
        path = {"session": f"/classroom/sessions/{session.id}", "course": f"/training/courses/{course.id}",
                "reset link": urllib.parse.urlsplit(reset.reset_url(reset.make_reset_token(person))).path}[page]
    with count_queries() as counter:
        assert browser.get(path).status_code == 200
    assert not [statement for statement in counter.statements
                if statement.startswith("BEGIN IMMEDIATE") or "FOR UPDATE" in statement]
