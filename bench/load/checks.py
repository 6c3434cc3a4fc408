"""What a fault run checks in the database afterwards, and the bulk job it starts and follows."""

import io
import re
import time
import urllib.parse
import zipfile
from collections import Counter
from http.client import HTTPConnection

from sqlalchemy import create_engine, text

from bench.load import report

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
MESSAGE_ID = re.compile(r"<oscart\.(\d+)\.")


def scalar(url, statement, **params):
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(text(statement), params).scalar()
    finally:
        engine.dispose()


def now(url):
    """The database's clock in UTC (the portal stores UTC)."""
    return scalar(url, "SELECT now() AT TIME ZONE 'utc'")


def _wait_until(url, statement, seconds, interval=2, **params):
    """Poll until ``statement`` answers 0; seconds waited (None: it did not within ``seconds``)."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        try:
            if not scalar(url, statement, **params):
                return round(time.monotonic() - started)
        except Exception:  # noqa: BLE001, S110 - the database may still be starting
            pass
        time.sleep(interval)
    return None


def nothing_lost(url, since, received, log, seconds=300):
    """After the mail and jobs have caught up: the outbox messages since ``since`` sent and received exactly
    once; lessons done recorded in both their table and the audit trail; progress consistent with the lessons
    done; every course completed since then with its certificate; the audit chain intact."""
    caught_up = _wait_until(url, "SELECT (SELECT count(*) FROM outbox_message WHERE status = 'pending') + "
                            "(SELECT count(*) FROM job WHERE status IN ('queued', 'running'))", seconds)
    engine = create_engine(url)
    with engine.connect() as connection:
        def value(statement):
            return connection.execute(text(statement), {"since": since}).scalar()

        outbox = dict(connection.execute(text("SELECT status, count(*) FROM outbox_message WHERE created_at >= :since "
                                              "GROUP BY status"), {"since": since}).all())
        ids = set(connection.execute(text("SELECT id FROM outbox_message WHERE created_at >= :since"),
                                     {"since": since}).scalars())
        retried = value("SELECT count(*) FROM outbox_message WHERE created_at >= :since AND attempts > 1")
        lessons = value("SELECT count(*) FROM lesson_progress WHERE completed_at >= :since")
        audited = value("SELECT count(*) FROM audit_event WHERE action = 'training.lesson_done' AND at >= :since")
        inconsistent = value(
            "SELECT count(*) FROM enrolment e JOIN course c ON c.id = e.course_id WHERE c.code LIKE 'B-%' "
            "AND e.status <> 'completed' AND e.progress_percent <> LEAST(99, 100 * (SELECT count(*) FROM "
            "lesson_progress p WHERE p.enrolment_id = e.id) / 10)")
        completed = value("SELECT count(*) FROM enrolment WHERE completed_at >= :since")
        uncertified = value("SELECT count(*) FROM enrolment e WHERE e.completed_at >= :since AND NOT EXISTS "
                            "(SELECT 1 FROM certificate c WHERE c.enrolment_id = e.id)")
    engine.dispose()
    times = Counter(int(match.group(1)) for match in map(MESSAGE_ID.search, filter(None, received)) if match)
    return {"caught_up_after_s": caught_up, "outbox": outbox, "delivered_after_a_retry": retried,
            "received_once": sum(1 for key in ids if times[key] == 1),
            "not_received": sorted(key for key in ids if times[key] == 0)[:20],
            "received_twice_or_more": sorted(key for key, count in times.items() if count > 1)[:20],
            "lessons_done": lessons, "lessons_done_audited": audited, "progress_inconsistent": inconsistent,
            "courses_completed": completed, "completed_without_certificate": uncertified,
            "audit_chain_intact": report.audit_chain(url, log)}


def locust_errors(failures_csv):
    try:
        return dict(report.failures(failures_csv))
    except FileNotFoundError:
        return {}


def _request(port, method, path, cookie, body=None):
    connection = HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Cookie": cookie}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        body = urllib.parse.urlencode(body)
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    return response, response.read()


def start_bulk_job(port, cookie):
    """The company admin's ZIP of every certificate (3,000: a job); its id."""
    _response, page = _request(port, "GET", "/certificates/company", cookie)
    token = CSRF.search(page.decode()).group(1)
    response, _ = _request(port, "POST", "/certificates/company/jobs", cookie, {"csrf_token": token, "format": "zip"})
    return int(re.search(r"/jobs/(\d+)", response.getheader("Location")).group(1))


def wait_for_progress(url, job_id, seconds=120):
    """Wait until the running job is a third done (the middle of its work); its progress then."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        progress = scalar(url, "SELECT progress FROM job WHERE id = :id AND status = 'running' "
                           "AND progress * 3 >= total", id=job_id)
        if progress:
            return progress
        time.sleep(0.1)
    raise SystemExit(f"job {job_id} did not start within {seconds} s")


def wait_until_no_due_mail(url, seconds, *, created_before=None):
    """Seconds until no message created before ``created_before`` (default: now) is left pending (None: not
    within ``seconds``)."""
    created_before = created_before or now(url)
    return _wait_until(url, "SELECT count(*) FROM outbox_message WHERE status = 'pending' AND created_at < :before",
                       seconds, before=created_before)


def wait_for_job(url, job_id, seconds):
    _wait_until(url, "SELECT count(*) FROM job WHERE id = :id AND status IN ('queued', 'running')", seconds,
                id=job_id)
    engine = create_engine(url)
    with engine.connect() as connection:
        row = connection.execute(text("SELECT status, total, progress, attempts, result_size, error FROM job "
                                      "WHERE id = :id"), {"id": job_id}).one()
    engine.dispose()
    return dict(row._mapping)


def download_job(port, cookie, job_id):
    response, data = _request(port, "GET", f"/jobs/{job_id}/download", cookie)
    if response.status != 200:
        return {"status": response.status}
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    return {"status": 200, "bytes": len(data), "files": len(names), "distinct_files": len(set(names))}
