"""Background work on Celery: the outbox's delivery task right after commit, the sweep, the beat schedule.

The suite runs every task eagerly (in the test's process); tests/test_tasks_worker.py runs a real worker.
"""

from datetime import timedelta

import pytest
from sqlalchemy import select, text

from config import CONFIGS, TestingConfig
from oscart.core import dispatch
from oscart.core.database import utcnow
from oscart.core.extensions import db
from oscart.mail.models import PENDING, SENT, OutboxMessage
from oscart.mail.services import mail_user
from oscart.tasks.schedule import beat_schedule
from tests.factories import make_company, make_user
from tests.test_concurrency import simultaneously

# Nothing listens here: the broker is down.
DOWN = "redis://127.0.0.1:9/5"


def _queue(user, count=1):
    for _ in range(count):
        mail_user(user, "password_reset", "Subject", link="https://x", minutes=5)


def _statuses():
    db.session.expire_all()
    return [message.status for message in db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))]


def _task(app, name):
    return app.extensions["celery"].tasks[name]


def test_a_committed_message_is_delivered_by_its_task_once_the_work_is_over(outbox):
    _queue(make_user())
    db.session.commit()
    assert outbox == [] and _statuses() == [PENDING]  # not inside the transaction's commit
    dispatch.run_ready()
    assert len(outbox) == 1 and _statuses() == [SENT]


def test_a_rolled_back_message_starts_no_task(outbox):
    user = make_user()
    _queue(user)
    db.session.rollback()
    db.session.commit()
    dispatch.run_ready()
    assert outbox == [] and _statuses() == []


def test_a_request_delivers_its_mail_before_answering(browser, outbox):
    user = make_user(company=make_company())
    assert browser.submit("/reset", {"email": user.email}).status_code == 302
    assert len(outbox) == 1 and _statuses() == [SENT]


def test_the_delivery_task_sends_nothing_the_sweep_already_sent(app, outbox):
    _queue(make_user())
    db.session.commit()
    [message_id] = db.session.scalars(select(OutboxMessage.id))
    assert _task(app, "oscart.mail.sweep").apply().get() == (1, 0)
    assert _task(app, "oscart.mail.deliver").apply(args=[message_id]).get() == (0, 0)
    dispatch.run_ready()
    assert len(outbox) == 1


def test_with_redis_down_the_request_works_and_the_sweep_sends_the_mail(make_app):
    broken = make_app(CELERY={**TestingConfig.CELERY, "task_always_eager": False, "broker_url": DOWN})
    with broken.app_context():
        user = make_user(company=make_company())
        client = broken.test_client()
        from tests.helpers import Browser

        started = utcnow()
        assert Browser(client).submit("/reset", {"email": user.email}).status_code == 302
        assert utcnow() - started < timedelta(seconds=2)
        assert _statuses() == [PENDING]
        from oscart.mail import backends

        backends.sent_messages.clear()
        assert _task(broken, "oscart.mail.sweep").apply().get() == (1, 0)
        assert _task(broken, "oscart.mail.sweep").apply().get() == (0, 0)
        assert len(backends.sent_messages) == 1 and _statuses() == [SENT]


def test_sweeps_running_at_once_send_each_message_once(app, outbox):
    _queue(make_user(), count=12)
    db.session.commit()
    sweep = _task(app, "oscart.mail.sweep")

    def one_sweep():
        with app.app_context():
            return sweep.apply().get()

    results = simultaneously([one_sweep for _ in range(4)])
    assert sum(sent for sent, _failed in results) == 12
    assert len(outbox) == 12 and _statuses() == [SENT] * 12


def test_the_sweep_skips_a_message_another_worker_holds(app, outbox):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("row locks with SKIP LOCKED are PostgreSQL's; SQLite serialises the sweeps (test above)")
    _queue(make_user(), count=2)
    db.session.commit()
    first, second = db.session.scalars(select(OutboxMessage.id).order_by(OutboxMessage.id))
    with db.engine.connect() as other:
        other.execute(text("SELECT id FROM outbox_message WHERE id = :id FOR UPDATE"), {"id": first})
        assert _task(app, "oscart.mail.sweep").apply().get() == (1, 0)  # not blocked: the held row is skipped
        assert _statuses() == [PENDING, SENT]
        other.rollback()
    assert _task(app, "oscart.mail.sweep").apply().get() == (1, 0)
    assert len(outbox) == 2 and second


@pytest.mark.parametrize("name", ["oscart.reminders.send", "oscart.certificates.remind", "oscart.privacy.purge",
                                  "oscart.privacy.offers", "oscart.audit.purge", "oscart.jobs.purge",
                                  "oscart.jobs.resume", "oscart.mail.sweep"])
def test_every_periodic_task_runs(app, name):
    result = _task(app, name).apply()
    assert result.successful(), result.traceback


@pytest.mark.config(AUDIT_RETENTION_DAYS=30)
def test_the_audit_purge_task_keeps_what_the_retention_period_keeps(app):
    from oscart.audit.models import AuditEvent
    from oscart.audit.services import record_event

    user = make_user()
    record_event("account.updated", actor=user, target=f"user:{user.id}")
    db.session.commit()
    assert _task(app, "oscart.audit.purge").apply().get() == 0
    assert db.session.scalar(select(AuditEvent.id)) is not None


def test_the_reminders_task_does_what_the_command_does(app, runner):
    counts = _task(app, "oscart.reminders.send").apply().get()
    result = runner.invoke(args=["send-reminders"])
    assert result.exit_code == 0
    assert result.output.strip() == ", ".join(f"{kind}: {count}" for kind, count in counts.items())


def test_beat_schedules_only_tasks_that_exist(app):
    tasks = app.extensions["celery"].tasks
    schedule = beat_schedule()
    assert {entry["task"] for entry in schedule.values()} <= set(tasks)
    assert {"oscart.mail.sweep", "oscart.reminders.send", "oscart.certificates.remind", "oscart.privacy.purge",
            "oscart.privacy.offers", "oscart.audit.purge", "oscart.jobs.purge"} <= {
        entry["task"] for entry in schedule.values()}


def test_tasks_run_in_process_in_development_and_tests_only():
    assert CONFIGS["development"].CELERY["task_always_eager"] is True
    assert CONFIGS["testing"].CELERY["task_always_eager"] is True
    assert CONFIGS["production"].CELERY["task_always_eager"] is False
    assert CONFIGS["production"].CELERY["task_acks_late"] is True


def test_bulk_jobs_have_their_own_queue(app):
    conf = app.extensions["celery"].conf
    assert conf.task_routes["oscart.jobs.run"] == {"queue": "bulk"}
    assert conf.task_default_queue == "default"




def test_metrics_report_unfinished_jobs_and_waiting_tasks(app, client):
    from oscart.jobs.services import start_job

    start_job("certificates.zip", actor=make_user(), params={"ids": []}, total=0)
    db.session.info.pop("oscart.tasks.queued")  # left queued
    db.session.commit()
    text = client.get("/metrics").text
    assert "oscart_jobs_unfinished 1.0" in text
    assert "oscart_task_queue_default_messages 0.0" in text and "oscart_task_queue_bulk_messages 0.0" in text


def test_a_queue_that_cannot_be_measured_reads_minus_one(make_app):
    from oscart.tasks.monitoring import waiting_tasks

    broken = make_app(CELERY={**TestingConfig.CELERY, "task_always_eager": False, "broker_url": DOWN})
    with broken.app_context():
        assert waiting_tasks("default") == -1


def test_with_redis_down_a_commit_of_many_messages_tries_the_broker_once(make_app, caplog):
    broken = make_app(CELERY={**TestingConfig.CELERY, "task_always_eager": False, "broker_url": DOWN})
    with broken.app_context():
        _queue(make_user(), count=20)
        db.session.commit()
        assert len([r for r in caplog.records if "left for the periodic sweep" in r.getMessage()]) == 1
        assert _statuses() == [PENDING] * 20
