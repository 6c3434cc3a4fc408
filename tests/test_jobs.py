"""Bulk jobs: a large ZIP or merged PDF of a company's certificates is prepared as a job with a progress page,
offered only to the person who asked, kept for a set time; the task is idempotent, retried, taken over."""

import io
import subprocess
import sys
import zipfile
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from oscart.audit.models import AuditEvent
from oscart.core.database import utcnow
from oscart.core.extensions import db
from oscart.core.security import COMPANY_ADMIN, TRAINEE
from oscart.jobs import services
from oscart.jobs.models import DONE, FAILED, QUEUED, RUNNING, Job
from oscart.tasks import jobs as job_tasks
from tests.factories import make_certificate, make_company, make_course, make_user
from tests.helpers import Browser

pytestmark = pytest.mark.config(JOB_INLINE_MAX=2)


@pytest.fixture
def run_task(app):
    """The job task of the test app (tests that build other apps change Celery's default app)."""
    return app.extensions["celery"].tasks[services.RUN_TASK]


@pytest.fixture
def company():
    company = make_company()
    course = make_course()
    for name in ("Anna", "Bruno", "Chloé"):
        make_certificate(make_user(company=company, first_name=name, last_name="Peeters"), course)
    return company


@pytest.fixture
def admin(company):
    return make_user(role=COMPANY_ADMIN, company=company, language="en")


def _start(browser, admin, extension="zip"):
    browser.login(admin.email)
    response = browser.submit("/certificates/company/jobs", {"format": extension},
                              form_page="/certificates/company")
    assert response.status_code == 302, response.text
    return response.headers["Location"]


def _job():
    db.session.expire_all()
    return db.session.scalar(select(Job))


def test_the_page_offers_to_prepare_a_download_beyond_the_size(browser, admin):
    browser.login(admin.email)
    page = browser.get("/certificates/company").text
    assert "Prepare 3 as ZIP" in page and 'name="format" value="pdf"' in page
    assert "/certificates/company/certificates.zip" not in page


@pytest.mark.config(JOB_INLINE_MAX=200)
def test_below_the_size_the_download_answers_at_once(browser, admin):
    browser.login(admin.email)
    assert "/certificates/company/certificates.zip" in browser.get("/certificates/company").text
    assert browser.get("/certificates/company/certificates.zip").status_code == 200


def test_a_direct_link_beyond_the_size_leads_back_to_the_button(browser, admin):
    browser.login(admin.email)
    response = browser.get("/certificates/company/certificates.zip")
    assert response.status_code == 302 and response.headers["Location"].startswith("/certificates/company")
    assert "prepared in the background" in browser.get("/certificates/company").text


def test_the_zip_job_runs_and_its_owner_downloads_the_file(browser, admin):
    location = _start(browser, admin)
    job = _job()
    assert location == f"/jobs/{job.id}" and job.status == DONE and job.attempts == 1
    page = browser.get(location).text
    assert "Ready" in page and f"/jobs/{job.id}/download" in page and 'http-equiv="refresh"' not in page
    response = browser.get(f"/jobs/{job.id}/download")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(response.data)).namelist()
    assert len(names) == 3 and all("Peeters" in name for name in names)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "certificate.exported"))
    assert event.details["job"] == job.id and event.details["count"] == 3


def test_the_pdf_job_merges_every_certificate(browser, admin):
    _start(browser, admin, "pdf")
    response = browser.get(f"/jobs/{_job().id}/download")
    assert response.mimetype == "application/pdf" and len(PdfReader(io.BytesIO(response.data)).pages) == 3


def test_the_filters_apply_to_the_job(browser, admin, company):
    from oscart.accounts.models import User

    browser.login(admin.email)
    anna_id = db.session.scalar(select(User.id).where(User.first_name == "Anna"))
    response = browser.submit(f"/certificates/company/jobs?employee={anna_id}", {"format": "zip"},
                              form_page="/certificates/company")
    assert response.status_code == 302
    assert _job().total == 1


def test_an_unknown_format_starts_nothing(browser, admin):
    browser.login(admin.email)
    response = browser.submit("/certificates/company/jobs", {"format": "exe"}, form_page="/certificates/company")
    assert response.status_code == 302 and _job() is None


@pytest.mark.parametrize("who", ["colleague", "other_company"])
def test_nobody_else_sees_or_downloads_the_job(app, browser, admin, company, who):
    _start(browser, admin)
    job_id = _job().id
    other = make_user(role=COMPANY_ADMIN, company=company if who == "colleague" else make_company())
    stranger = Browser(app.test_client())
    stranger.login(other.email)
    assert stranger.get(f"/jobs/{job_id}").status_code == 404
    assert stranger.get(f"/jobs/{job_id}/download").status_code == 404


def test_a_running_job_shows_its_progress_and_refreshes_itself(browser, admin):
    job = services.start_job("certificates.zip", actor=admin, params={"ids": []}, total=120,
                             company_id=admin.company_id)
    db.session.flush()
    job.status, job.progress = RUNNING, 50
    db.session.info.pop("oscart.tasks.queued")  # this one is not run
    db.session.commit()
    browser.login(admin.email)
    page = browser.get(f"/jobs/{job.id}").text
    assert '<meta http-equiv="refresh" content="2">' in page
    assert 'max="120" value="50"' in page and "50 of 120 done" in page
    assert browser.get(f"/jobs/{job.id}/download").status_code == 409


def test_a_job_past_its_time_is_gone_and_purged(app, browser, admin):
    _start(browser, admin)
    job = _job()
    job.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    assert browser.get(f"/jobs/{job.id}").status_code == 404
    assert browser.get(f"/jobs/{job.id}/download").status_code == 404
    assert app.extensions["celery"].tasks["oscart.jobs.purge"].apply().get() == 1
    assert _job() is None


def test_the_result_is_kept_for_the_configured_hours(browser, admin):
    _start(browser, admin)
    job = _job()
    assert timedelta(hours=23, minutes=59) < job.expires_at - job.finished_at <= timedelta(hours=24)


def test_running_the_task_again_changes_nothing(run_task, browser, admin):
    _start(browser, admin)
    job = _job()
    finished, data = job.finished_at, job.result
    assert run_task.apply(args=[job.id]).get() is None
    job = _job()
    assert (job.status, job.attempts, job.finished_at, job.result) == (DONE, 1, finished, data)


def test_a_job_whose_worker_died_is_taken_over_and_finishes_once(app, admin, company):
    job = _queued_job(admin)
    job.status, job.attempts, job.lease_until = RUNNING, 1, utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert app.extensions["celery"].tasks["oscart.jobs.resume"].apply().get() == 1
    job = _job()
    assert (job.status, job.attempts, job.progress) == (DONE, 2, 3)
    assert app.extensions["celery"].tasks["oscart.jobs.resume"].apply().get() == 0


def test_a_job_held_by_a_live_run_is_left_alone(run_task, admin, company):
    job = _queued_job(admin)
    job.status, job.attempts, job.lease_until = RUNNING, 1, utcnow() + timedelta(minutes=1)
    db.session.commit()
    assert run_task.apply(args=[job.id]).get() is None
    assert _job().status == RUNNING and services.stalled_jobs() == []


def test_a_run_that_lost_its_claim_stores_nothing(admin, company):
    job_id = _queued_job(admin).id
    first = services.claim_job(job_id)
    Job.query.filter_by(id=job_id).update({"lease_until": utcnow() - timedelta(seconds=1)})
    db.session.commit()
    second = services.claim_job(job_id)
    assert (first, second) == (1, 2)
    with pytest.raises(services.LostClaim):
        services.report_progress(job_id, first, 10)
    assert not services.finish_job(job_id, first, services.JobResult("x.zip", "application/zip", b"x"))
    assert services.finish_job(job_id, second, services.JobResult("y.zip", "application/zip", b"y"))
    assert _job().result_name == "y.zip"


def test_a_failing_job_is_retried_with_growing_back_off_then_fails(run_task, app, monkeypatch, admin, company):
    calls = []

    def broken(job, progress):
        calls.append(job.attempts)
        raise OSError("disk full")

    kind = services.kind_of(_queued_job(admin))
    monkeypatch.setitem(services._KINDS, "certificates.zip", services.Kind(broken, kind.label, kind.back_endpoint,
                                                                          kind.back_label))
    # Eager retries run at once, one after the other (a worker waits the back-off between them).
    monkeypatch.setitem(app.extensions["celery"].conf, "task_eager_propagates", False)
    run_task.apply(args=[_job().id])
    job = _job()
    assert calls == [1, 2, 3, 4, 5] and job.status == FAILED and "disk full" in job.error
    assert [job_tasks.backoff(n) for n in range(4)] == [10, 40, 160, 640]


def test_the_features_register_their_job_kinds_when_the_app_is_built():
    """In a fresh process, as a Celery worker starts: importing the jobs registers nothing, create_app (which
    walks every feature's init_app) registers the kinds."""
    script = ("from oscart.jobs import services\n"
              "before = services.registered_kinds()\n"
              "from oscart import create_app\n"
              "create_app({'TESTING': True})\n"
              "print(before, services.registered_kinds())\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120)
    assert done.stdout.split("\n")[-2] == ("[] ['certificates.pdf', 'certificates.reissue', 'certificates.zip', "
                                          "'people.import', 'privacy.campaign']")


def test_an_unknown_kind_fails_loudly(admin, company):
    job = _queued_job(admin)
    job.kind = "workspace.nothing"
    with pytest.raises(services.UnknownJobKind, match="'workspace.nothing' is not registered"):
        services.kind_of(job)


def test_a_kind_cannot_be_registered_twice():
    with pytest.raises(ValueError, match="registered twice"):
        services.job_kind("certificates.zip", label="", back_endpoint="certificates.company", back_label="")


def test_a_failed_job_says_so(browser, admin, company):
    job = _queued_job(admin)
    job.status, job.error = FAILED, "OSError: disk full"
    db.session.commit()
    browser.login(admin.email)
    page = browser.get(f"/jobs/{job.id}").text
    assert "could not be prepared" in page and "disk full" not in page


def test_the_job_is_refused_when_its_owner_is_no_longer_an_admin(run_task, admin, company):
    job = _queued_job(admin)
    admin.role = TRAINEE
    db.session.commit()
    run_task.apply(args=[job.id])
    job = _job()
    assert (job.status, job.attempts, job.result) == (FAILED, 1, None)


def test_an_erased_owner_takes_the_jobs_along(admin, company):
    from oscart.jobs.privacy_data import erase_jobs, export_jobs

    _queued_job(admin)
    assert [row["kind"] for row in export_jobs(admin)] == ["certificates.zip"]
    assert erase_jobs(admin, legal_hold=False) == 1


def _queued_job(owner):
    from oscart.certificates.models import Certificate

    ids = list(db.session.scalars(select(Certificate.id).order_by(Certificate.id)))
    job = services.start_job("certificates.zip", actor=owner, params={"ids": ids}, total=len(ids),
                             company_id=owner.company_id)
    db.session.flush()
    db.session.info.pop("oscart.tasks.queued")  # the test runs it
    db.session.commit()
    assert job.status == QUEUED
    return job


def test_a_run_cut_off_by_the_database_takes_its_claim_back_at_the_retry(run_task, app, monkeypatch, admin,
                                                                          company):
    """PostgreSQL stopped mid-job: the run cannot even release the job; its retry takes the job back at once
    instead of leaving it to the sweep after the lease."""
    from sqlalchemy.exc import OperationalError

    job = _queued_job(admin)
    kind, calls = services.kind_of(job), []

    def database_gone_once(job, progress):
        calls.append(job.attempts)
        if len(calls) == 1:
            raise OperationalError("UPDATE job", {}, Exception("server closed the connection"))
        return kind.build(job, progress)

    def release_fails(*args, **kwargs):
        raise OperationalError("UPDATE job", {}, Exception("connection refused"))

    monkeypatch.setitem(services._KINDS, "certificates.zip", services.Kind(database_gone_once, kind.label,
                                                                          kind.back_endpoint, kind.back_label))
    monkeypatch.setattr(services, "release_job", release_fails)
    monkeypatch.setitem(app.extensions["celery"].conf, "task_eager_propagates", False)
    run_task.apply(args=[job.id])
    job = _job()
    assert calls == [1, 2] and (job.status, job.attempts, job.progress) == (DONE, 2, 3)


def test_a_held_claim_taken_over_by_the_sweep_is_not_taken_back(admin, company):
    job_id = _queued_job(admin).id
    assert services.claim_job(job_id) == 1
    Job.query.filter_by(id=job_id).update({"lease_until": utcnow() - timedelta(seconds=1)})
    db.session.commit()
    assert services.claim_job(job_id) == 2  # the sweep's run
    assert services.claim_job(job_id, held=1) is None
