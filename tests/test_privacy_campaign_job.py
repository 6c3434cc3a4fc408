"""A campaign for more people than JOB_INLINE_MAX is sent by a bulk job: the page follows it, each person gets it
once even when the job runs twice, is retried after a failure half-way or is taken over from a dead worker."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from oscart.audit.models import AuditEvent
from oscart.core.database import utcnow
from oscart.core.extensions import db
from oscart.core.security import PLATFORM_ADMIN, TRAINER
from oscart.jobs import services
from oscart.jobs.models import DONE, FAILED, QUEUED, RUNNING, Job
from oscart.mail.models import OutboxMessage
from oscart.privacy import campaign_job, campaigns, policy
from oscart.privacy.campaigns import save_campaign
from oscart.privacy.models import CampaignDelivery
from tests.factories import give_consent, make_company, make_user
from tests.helpers import Browser

pytestmark = pytest.mark.config(JOB_INLINE_MAX=2)

TEXTS = {"nl": {"subject": "Nieuws", "body": "Hallo"}, "fr": {"subject": "Nouvelles", "body": "Bonjour"}}


@pytest.fixture
def admin():
    return make_user(role=PLATFORM_ADMIN, language="en")


@pytest.fixture
def campaign(admin):
    item = save_campaign(None, actor=admin, kind="newsletter", texts=TEXTS)
    for language in ("nl", "fr", "nl", "de"):
        user = make_user(company=make_company(), language=language)
        give_consent(user, policy.NEWSLETTER)
    db.session.commit()
    return item


@pytest.fixture
def run_task(app):
    return app.extensions["celery"].tasks[services.RUN_TASK]


def _send(browser, admin, campaign):
    browser.login(admin.email)
    url = f"/admin/privacy/campaigns/{campaign.id}"
    response = browser.submit(f"{url}/send", form_page=url)
    assert response.status_code == 302, response.text
    return response.headers["Location"]


def _job():
    db.session.expire_all()
    return db.session.scalar(select(Job))


def _mails_per_person():
    return sorted(db.session.execute(select(OutboxMessage.user_id, func.count())
                                     .group_by(OutboxMessage.user_id)).all())


def _queued_job(admin, campaign):
    _count, job = campaign_job.send_or_start(campaign, actor=admin)
    db.session.flush()
    db.session.info.pop("oscart.tasks.queued")  # the test runs it
    db.session.commit()
    assert job.status == QUEUED
    return job


def test_beyond_the_size_the_job_sends_to_everyone_once_and_the_page_says_so(browser, admin, campaign):
    location = _send(browser, admin, campaign)
    job = _job()
    assert location == f"/jobs/{job.id}" and (job.kind, job.status, job.total, job.attempts) == (
        "privacy.campaign", DONE, 4, 1)
    assert [count for _user, count in _mails_per_person()] == [1, 1, 1, 1]
    page = browser.get(location).text
    assert "Sent" in page and "The campaign has been queued for 4 people." in page
    assert f"/admin/privacy/campaigns/{campaign.id}" in page
    csv = browser.get(f"/jobs/{job.id}/download").data.decode("utf-8-sig").splitlines()
    assert csv == ["Language;Recipients", "de;1", "fr;1", "nl;2"]
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "privacy.campaign_sent")).all()
    assert [(event.details["recipients"], event.details["job"]) for event in events] == [(4, job.id)]
    assert "Nobody is left to send to" in browser.get(f"/admin/privacy/campaigns/{campaign.id}").text


@pytest.mark.config(JOB_INLINE_MAX=200)
def test_below_the_size_the_campaign_is_sent_at_once(browser, admin, campaign):
    assert _send(browser, admin, campaign) == f"/admin/privacy/campaigns/{campaign.id}"
    assert _job() is None and len(_mails_per_person()) == 4


def test_running_the_task_again_sends_nothing_twice(run_task, browser, admin, campaign):
    _send(browser, admin, campaign)
    job = _job()
    assert run_task.apply(args=[job.id]).get() is None
    assert (_job().attempts, len(_mails_per_person())) == (1, 4)
    assert db.session.scalar(select(func.count(CampaignDelivery.id))) == 4


def test_a_run_that_fails_half_way_is_retried_and_sends_to_each_person_once(app, run_task, monkeypatch, admin,
                                                                            campaign):
    job = _queued_job(admin, campaign)
    monkeypatch.setattr(campaign_job, "BATCH", 1)
    real, calls = campaigns.send_campaign, []

    def fails_on_the_third_batch(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise OSError("connection lost")
        return real(*args, **kwargs)

    monkeypatch.setattr(campaigns, "send_campaign", fails_on_the_third_batch)
    monkeypatch.setitem(app.extensions["celery"].conf, "task_eager_propagates", False)
    run_task.apply(args=[job.id])
    job = _job()
    assert (job.status, job.attempts, job.progress) == (DONE, 2, 4)
    assert [count for _user, count in _mails_per_person()] == [1, 1, 1, 1]


def test_a_job_whose_worker_died_is_taken_over_and_sends_the_rest_once(app, admin, campaign):
    job = _queued_job(admin, campaign)
    campaigns.send_campaign(campaign, actor=admin, limit=3, record=False)  # the dead worker's committed batch
    job.status, job.attempts, job.lease_until = RUNNING, 1, utcnow() - timedelta(seconds=1)
    db.session.commit()
    assert app.extensions["celery"].tasks["oscart.jobs.resume"].apply().get() == 1
    job = _job()
    assert (job.status, job.attempts, job.progress) == (DONE, 2, 4)
    assert [count for _user, count in _mails_per_person()] == [1, 1, 1, 1]


def test_a_second_click_leads_to_the_running_job(browser, admin, campaign):
    job = _queued_job(admin, campaign)
    browser.login(admin.email)
    page = browser.get(f"/admin/privacy/campaigns/{campaign.id}").text
    assert "Being sent in the background: 0 of 4 queued." in page and f"/jobs/{job.id}" in page
    assert "Send now" not in page
    assert _send(browser, admin, campaign) == f"/jobs/{job.id}"
    assert db.session.scalar(select(func.count(Job.id))) == 1


def test_another_admin_is_told_the_campaign_is_being_sent(app, admin, campaign):
    job = _queued_job(admin, campaign)
    colleague = make_user(role=PLATFORM_ADMIN, language="en")
    browser = Browser(app.test_client())
    location = _send(browser, colleague, campaign)
    assert location == f"/admin/privacy/campaigns/{campaign.id}"
    page = browser.get(location).text
    assert "Another administrator is sending this campaign." in page and f"/jobs/{job.id}" not in page
    assert browser.get(f"/jobs/{job.id}").status_code == 404
    assert db.session.scalar(select(func.count(Job.id))) == 1


def test_the_job_is_refused_when_its_sender_is_no_longer_a_platform_admin(run_task, admin, campaign):
    job = _queued_job(admin, campaign)
    admin.role = TRAINER
    db.session.commit()
    run_task.apply(args=[job.id])
    assert (_job().status, _mails_per_person()) == (FAILED, [])


def test_a_running_sending_shows_its_progress(browser, admin, campaign):
    job = _queued_job(admin, campaign)
    job.status, job.progress = RUNNING, 2
    db.session.commit()
    browser.login(admin.email)
    page = browser.get(f"/jobs/{job.id}").text
    assert "Queuing the mails" in page and "2 of 4 done" in page and "the sending goes on" in page
