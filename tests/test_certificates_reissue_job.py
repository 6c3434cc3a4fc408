"""Re-issuing the current certificates of the platform admin's filtered list: at once for a few, by a bulk job
beyond certificates.reissue_job.INLINE_MAX; each certificate re-issued once even when the job runs twice, is
retried after a failure half-way or is taken over from a dead worker."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from oscart.audit.models import AuditEvent
from oscart.certificates import issuing, reissue_job
from oscart.certificates.models import Certificate
from oscart.core.database import utcnow
from oscart.core.extensions import db
from oscart.core.security import COMPANY_ADMIN, PLATFORM_ADMIN, TRAINER
from oscart.jobs import services
from oscart.jobs.models import DONE, FAILED, QUEUED, RUNNING, Job
from oscart.mail.models import OutboxMessage
from tests.factories import make_certificate, make_company, make_course, make_user

PAGE = "/certificates/manage/reissue"


@pytest.fixture(autouse=True)
def small_inline(monkeypatch):
    monkeypatch.setattr(reissue_job, "INLINE_MAX", 2)


@pytest.fixture
def admin():
    return make_user(role=PLATFORM_ADMIN, language="en")


@pytest.fixture
def certificates():
    course = make_course(code="VCA")
    company = make_company()
    return [make_certificate(make_user(company=company, first_name=name, last_name="Peeters"), course)
            for name in ("Anna", "Bruno", "Chloé")]


@pytest.fixture
def run_task(app):
    return app.extensions["celery"].tasks[services.RUN_TASK]


def _reissue(browser, admin, reason="Course title corrected", query=""):
    browser.login(admin.email)
    return browser.submit(f"{PAGE}{query}", {"reason": reason}, form_page=f"{PAGE}{query}")


def _job():
    db.session.expire_all()
    return db.session.scalar(select(Job))


def _successors():
    """{old id: number of certificates that re-issue it}"""
    db.session.expire_all()
    return dict(db.session.execute(select(Certificate.reissue_of_id, func.count()).where(
        Certificate.reissue_of_id.is_not(None)).group_by(Certificate.reissue_of_id)).all())


def _queued_job(admin, certificates):
    job = reissue_job.start_reissue([c.id for c in certificates], actor=admin, reason="Title corrected")
    db.session.flush()
    db.session.info.pop("oscart.tasks.queued")  # the test runs it
    db.session.commit()
    assert job.status == QUEUED
    return job


def test_the_page_says_how_many_current_certificates_the_list_holds(browser, admin, certificates):
    issuing.revoke_certificate(certificates[2], actor=admin, reason="Wrong person")
    db.session.commit()
    browser.login(admin.email)
    assert f'href="{PAGE}"' in browser.get("/certificates/manage").text
    page = browser.get(PAGE).text
    assert "2 current certificates of this list will be re-issued." in page and "Re-issue 2 certificates" in page
    assert "in the background" not in page


def test_beyond_the_size_a_job_reissues_each_certificate_once_and_lists_the_codes(browser, admin, certificates):
    response = _reissue(browser, admin)
    job = _job()
    assert response.headers["Location"] == f"/jobs/{job.id}"
    assert (job.kind, job.status, job.total, job.attempts) == ("certificates.reissue", DONE, 3, 1)
    assert _successors() == {c.id: 1 for c in certificates}
    page = browser.get(f"/jobs/{job.id}").text
    assert "3 certificates have been re-issued and mailed to their holders." in page
    lines = browser.get(f"/jobs/{job.id}/download").data.decode("utf-8-sig").splitlines()
    new_codes = db.session.scalars(select(Certificate.code).where(Certificate.reissue_of_id.is_not(None))
                                   .order_by(Certificate.reissue_of_id)).all()
    assert lines[0] == "Code;New code;Holder;Course;Outcome"
    assert [line.split(";")[:2] for line in lines[1:]] == [[c.code, new] for c, new in zip(certificates, new_codes,
                                                                                           strict=True)]
    assert all(line.endswith(";Re-issued") and "Peeters" in line for line in lines[1:])
    reasons = db.session.scalars(select(AuditEvent.details).where(AuditEvent.action == "certificate.reissued")).all()
    assert [details["reason"] for details in reasons] == ["Course title corrected"] * 3
    mails = db.session.scalar(select(func.count(OutboxMessage.id))
                              .where(OutboxMessage.template == "certificate_issued"))
    assert mails == 6  # three when first issued, three re-issued


def test_below_the_size_they_are_reissued_at_once(browser, admin, certificates):
    response = _reissue(browser, admin, query="?q=anna")
    assert response.headers["Location"] == "/certificates/manage?q=anna" and _job() is None
    assert _successors() == {certificates[0].id: 1}
    assert "1 certificate has been re-issued." in browser.get(response.headers["Location"]).text


def test_without_a_reason_nothing_is_reissued(browser, admin, certificates):
    response = _reissue(browser, admin, reason="  ")
    assert response.status_code == 200 and "This field is required." in response.text
    assert _job() is None and _successors() == {}


def test_running_the_task_again_reissues_nothing_twice(run_task, browser, admin, certificates):
    _reissue(browser, admin)
    job = _job()
    finished = job.finished_at
    assert run_task.apply(args=[job.id]).get() is None
    assert (_job().attempts, _job().finished_at, _successors()) == (1, finished, {c.id: 1 for c in certificates})


def test_a_run_that_fails_half_way_is_retried_and_reissues_each_once(app, run_task, monkeypatch, admin,
                                                                     certificates):
    job = _queued_job(admin, certificates)
    real, calls = issuing.reissue_certificate, []

    def fails_on_the_second(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise OSError("renderer crashed")
        return real(*args, **kwargs)

    monkeypatch.setattr(issuing, "reissue_certificate", fails_on_the_second)
    monkeypatch.setitem(app.extensions["celery"].conf, "task_eager_propagates", False)
    run_task.apply(args=[job.id])
    job = _job()
    assert (job.status, job.attempts, _successors()) == (DONE, 2, {c.id: 1 for c in certificates})
    outcomes = [line.rsplit(";", 1)[1] for line in job.result.decode("utf-8-sig").splitlines()[1:]]
    assert outcomes == ["Re-issued before", "Re-issued", "Re-issued"]


def test_a_job_whose_worker_died_is_taken_over_and_reissues_the_rest_once(app, admin, certificates):
    job = _queued_job(admin, certificates)
    issuing.reissue_certificate(certificates[0], actor=admin, reason="Title corrected")  # the dead worker's step
    job.status, job.attempts, job.lease_until = RUNNING, 1, utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert app.extensions["celery"].tasks["oscart.jobs.resume"].apply().get() == 1
    assert (_job().status, _job().attempts, _successors()) == (DONE, 2, {c.id: 1 for c in certificates})


def test_the_job_is_refused_when_its_owner_is_no_longer_a_platform_admin(run_task, admin, certificates):
    job = _queued_job(admin, certificates)
    admin.role = TRAINER
    db.session.commit()
    run_task.apply(args=[job.id])
    assert (_job().status, _successors()) == (FAILED, {})


def test_a_running_reissue_shows_its_progress(browser, admin, certificates):
    job = _queued_job(admin, certificates)
    job.status, job.progress = RUNNING, 1
    db.session.commit()
    browser.login(admin.email)
    page = browser.get(f"/jobs/{job.id}").text
    assert "Re-issuing" in page and "1 of 3 done" in page and 'http-equiv="refresh"' in page


@pytest.mark.parametrize("role", [COMPANY_ADMIN, TRAINER])
def test_only_platform_admins_reissue_a_list(browser, certificates, role):
    browser.login(make_user(role=role, company=make_company()).email)
    assert browser.get(PAGE).status_code == 403
    assert browser.submit(PAGE, {"reason": "x"}).status_code == 403
    assert _successors() == {}
