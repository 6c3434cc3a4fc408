"""The operator's view: request ids, JSON logs without personal data, Prometheus metrics, readiness."""

import io
import json
import logging
import os
import re

import pytest
from flask import abort
from prometheus_client import REGISTRY
from sqlalchemy import text

from oscart.core.extensions import db
from oscart.mail.models import OutboxMessage
from oscart.main.readiness import migration_heads
from tests.factories import make_company, make_user

GENERATED = re.compile(r"[0-9a-f]{32}")
OTHER_ADDRESS = {"REMOTE_ADDR": "203.0.113.9"}


# --- request id ---------------------------------------------------------------------------------------------

def test_a_valid_request_id_is_echoed(client):
    response = client.get("/privacy", headers={"X-Request-ID": "proxy-4f2a.17:b_9"})
    assert response.headers["X-Request-ID"] == "proxy-4f2a.17:b_9"


def test_a_request_without_id_gets_a_generated_one(client):
    first = client.get("/privacy").headers["X-Request-ID"]
    second = client.get("/privacy").headers["X-Request-ID"]
    assert GENERATED.fullmatch(first) and GENERATED.fullmatch(second) and first != second


@pytest.mark.parametrize("given", ["with space", "<script>", "a" * 129, "-leading-dash", "ünïcode", "id\u2028x"])
def test_an_invalid_request_id_is_replaced(client, given):
    response = client.get("/privacy", headers={"X-Request-ID": given})
    assert GENERATED.fullmatch(response.headers["X-Request-ID"])


def test_the_404_page_carries_the_request_id_only_in_its_header(client):
    response = client.get("/no-such-page", headers={"X-Request-ID": "trace-404"})
    assert response.status_code == 404
    assert response.headers["X-Request-ID"] == "trace-404"
    assert "trace-404" not in response.text  # two 404 pages read alike, whatever their request


@pytest.fixture
def failing_app(make_app):
    other = make_app()

    @other.get("/boom")
    def boom():
        raise RuntimeError("broken on purpose")

    return other


def test_the_500_page_shows_the_request_id(failing_app):
    response = failing_app.test_client().get("/boom", headers={"X-Request-ID": "trace-500"})
    assert response.status_code == 500
    assert "trace-500" in response.text
    assert response.headers["X-Request-ID"] == "trace-500"


# --- JSON logs ----------------------------------------------------------------------------------------------

@pytest.fixture
def json_log(make_app):
    """An app logging as JSON lines, and the stream its root handler writes to."""
    other = make_app(LOG_FORMAT="json")
    stream = io.StringIO()
    handler = next(h for h in logging.getLogger().handlers if getattr(h, "oscart", False))
    handler.setStream(stream)
    log = logging.getLogger("oscart.test")

    @other.get("/note")
    def note():
        log.warning("Mail to %s refused, token=%s password: hunter22", "anna.peeters@acme.example", "Zq81xk")
        return "ok"

    @other.get("/open/<token>")
    def open_link(token):
        log.warning("Link %s opened", token)
        abort(404)

    return other, stream


def lines(stream):
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def test_a_json_log_line_has_the_request_and_masks_personal_data(json_log):
    app, stream = json_log
    app.test_client().get("/note?email=anna.peeters@acme.example", headers={"X-Request-ID": "trace-log"})
    [line] = [entry for entry in lines(stream) if entry["logger"] == "oscart.test"]
    assert line["request_id"] == "trace-log"
    assert (line["level"], line["method"], line["path"]) == ("WARNING", "GET", "/note")
    assert line["message"] == "Mail to a…@acme.example refused, token=*** password: ***"
    assert "anna.peeters" not in stream.getvalue() and "Zq81xk" not in stream.getvalue()
    assert "hunter22" not in stream.getvalue()


def test_a_secret_in_the_url_is_masked_in_path_and_message(json_log):
    app, stream = json_log
    app.test_client().get("/open/Sec4et-Link")
    [line] = [entry for entry in lines(stream) if entry["logger"] == "oscart.test"]
    assert line["path"] == "/open/***" and line["message"] == "Link *** opened"
    assert "Sec4et-Link" not in stream.getvalue()


# --- metrics ------------------------------------------------------------------------------------------------

def test_metrics_are_hidden_from_other_addresses(client):
    assert client.get("/metrics", environ_base=OTHER_ADDRESS).status_code == 404


def test_metrics_count_requests_and_show_the_outbox_backlog(client):
    client.get("/privacy")
    db.session.add(OutboxMessage(recipient="a@acme.example", template="t", language="nl", subject="s", body_text="b"))
    db.session.commit()
    response = client.get("/metrics")
    assert response.status_code == 200
    assert re.search(r'^oscart_http_requests_total\{endpoint="privacy.statement",method="GET",status="200"\} [1-9]',
                     response.text, re.M)
    assert 'oscart_http_request_duration_seconds_count{endpoint="privacy.statement"}' in response.text
    assert re.search(r"^oscart_outbox_pending_messages 1\.0$", response.text, re.M)


@pytest.mark.parametrize(("authorization", "status"), [("Bearer s3cret-metrics", 200), ("Bearer wrong", 404),
                                                        ("s3cret-metrics", 404)])
def test_metrics_open_to_the_token_from_anywhere(make_app, authorization, status):
    other = make_app(METRICS_TOKEN="s3cret-metrics")
    response = other.test_client().get("/metrics", environ_base=OTHER_ADDRESS, headers={"Authorization": authorization})
    assert response.status_code == status


def test_metrics_open_to_a_configured_network(make_app):
    other = make_app(METRICS_ALLOWED_IPS=["203.0.113.0/24"])
    assert other.test_client().get("/metrics", environ_base=OTHER_ADDRESS).status_code == 200
    assert other.test_client().get("/metrics").status_code == 404


@pytest.mark.config(LOGIN_MAX_FAILURES=2)
def test_failed_logins_and_lockouts_are_counted(browser):
    user = make_user(company=make_company())
    failures = REGISTRY.get_sample_value("oscart_login_failures_total")
    lockouts = REGISTRY.get_sample_value("oscart_account_lockouts_total")
    browser.login("nobody@acme.example", "wrong password here")
    for _ in range(2):
        browser.login(user.email, "wrong password here")
    assert REGISTRY.get_sample_value("oscart_login_failures_total") == failures + 3
    assert REGISTRY.get_sample_value("oscart_account_lockouts_total") == lockouts + 1


# --- readiness ----------------------------------------------------------------------------------------------

@pytest.fixture
def migrated(app):
    """The database stamped at the migrations' head, as `flask db upgrade` leaves it."""
    [head] = migration_heads()
    db.session.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)"))
    db.session.execute(text("INSERT INTO alembic_version (version_num) VALUES (:head)"), {"head": head})
    db.session.commit()
    yield
    db.session.rollback()
    db.session.execute(text("DROP TABLE alembic_version"))
    db.session.commit()


def test_ready_when_database_storage_and_migrations_are(client, migrated):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json == {"status": "ready",
                             "checks": {"database": "ok", "rate_limit_storage": "ok", "migrations": "ok"}}


def test_not_ready_when_the_database_revision_is_behind(client, migrated):
    db.session.execute(text("UPDATE alembic_version SET version_num = 'a0b1c2d3e4f5'"))
    db.session.commit()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json == {"status": "unavailable",
                             "checks": {"database": "ok", "rate_limit_storage": "ok", "migrations": "failed"}}


def test_not_ready_when_the_rate_limit_storage_is_unreachable(make_app, migrated):
    other = make_app(RATELIMIT_STORAGE_URI="redis://127.0.0.1:1")
    response = other.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"] == {"database": "ok", "rate_limit_storage": "failed", "migrations": "ok"}


def _with_broker(make_app, broker_url):
    from config import TestingConfig

    return make_app(CELERY={**TestingConfig.CELERY, "task_always_eager": False, "broker_url": broker_url})


def test_not_ready_when_the_celery_broker_is_unreachable(make_app, migrated):
    response = _with_broker(make_app, "redis://127.0.0.1:9/5").test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"] == {"database": "ok", "rate_limit_storage": "ok", "migrations": "ok",
                                       "broker": "failed"}


def test_ready_when_the_celery_broker_answers(make_app, migrated):
    url = os.environ.get("TEST_REDIS_URL")
    if not url:
        pytest.skip("TEST_REDIS_URL is not set: no Redis to be Celery's broker")
    response = _with_broker(make_app, url).test_client().get("/readyz")
    assert (response.status_code, response.json["checks"]["broker"]) == (200, "ok")


def test_without_a_broker_readiness_does_not_ask_for_one(client, migrated):
    """Development and the tests run tasks in-process (CELERY_TASK_ALWAYS_EAGER): there is no broker to wait for."""
    assert "broker" not in client.get("/readyz").json["checks"]


# --- database unavailable ------------------------------------------------------------------------------------

DATABASE_DOWN = "postgresql+psycopg://postgres@127.0.0.1:9/oscart"  # nothing listens there: refused at once


def test_a_page_answers_503_while_the_database_does_not(app, make_app):
    """A database that is restarting or unreachable is a temporary refusal, not an error of the page: 503 in the
    user's language for a signed-in user too (whose session cannot be read), and the portal is not restarted."""
    from tests.helpers import Browser

    browser = Browser(app.test_client())
    assert browser.login(make_user(company=make_company()).email).status_code == 302
    down = make_app(SQLALCHEMY_DATABASE_URI=DATABASE_DOWN).test_client()
    down.set_cookie("session", browser.client.get_cookie("session").value)
    response = down.get("/dashboard")
    assert response.status_code == 503
    assert "Tijdelijk niet beschikbaar" in response.text


def test_an_anonymous_page_answers_503_while_the_database_does_not(make_app):
    response = make_app(SQLALCHEMY_DATABASE_URI=DATABASE_DOWN).test_client().get("/verify/4D63-DEP9-F3AR-Q3TR")
    assert response.status_code == 503


def test_healthz_stays_a_liveness_check(client):
    response = client.get("/healthz")
    assert (response.status_code, response.json) == (200, {"status": "ok"})
