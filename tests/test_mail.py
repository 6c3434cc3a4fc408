"""The outbox: mail written in the same transaction, delivered after commit, retried, never lost."""

from datetime import timedelta

import pytest

from oscart.core.database import utcnow
from oscart.core.extensions import db
from oscart.mail import backends
from oscart.mail.models import FAILED, PENDING, SENT, TRANSACTIONAL, OutboxMessage
from oscart.mail.services import deliver_pending, mail_user
from tests.factories import make_company, make_user


class BrokenBackend:
    def send(self, message, config):
        raise ConnectionRefusedError("mail server down")


@pytest.fixture
def broken_mail(monkeypatch):
    monkeypatch.setitem(backends._BACKENDS, "memory", BrokenBackend)


def messages():
    return db.session.scalars(db.select(OutboxMessage).order_by(OutboxMessage.id)).all()


def test_mail_records_recipient_language_kind_and_status(browser, outbox):
    user = make_user(company=make_company(), language="de")
    browser.submit("/reset", {"email": user.email})
    [message] = messages()
    assert (message.recipient, message.language, message.kind, message.template) == (
        user.email, "de", TRANSACTIONAL, "password_reset")
    assert message.status == SENT and message.sent_at is not None and message.attempts == 1
    assert message.subject == "Ihr Oscart-Passwort zurücksetzen"
    assert "Guten Tag" in message.body_text and "<a href=" in message.body_html
    assert [m["Subject"] for m in outbox] == ["Ihr Oscart-Passwort zurücksetzen"]


@pytest.mark.parametrize(("language", "greeting", "subject"), [
    ("nl", "Beste", "Uw Oscart-wachtwoord opnieuw instellen"),
    ("fr", "Bonjour", "Réinitialisez votre mot de passe Oscart"),
    ("de", "Guten Tag", "Ihr Oscart-Passwort zurücksetzen"),
    ("en", "Hello", "Reset your Oscart password"),
])
def test_mail_goes_out_in_the_recipients_language_whatever_the_page_language(browser, outbox, language,
                                                                             greeting, subject):
    user = make_user(company=make_company(), language=language, first_name="Kim")
    browser.client.get("/privacy", headers={"Accept-Language": "fr"})
    browser.submit("/reset", {"email": user.email})
    [mail] = outbox
    assert mail["Subject"] == subject
    assert f"{greeting} Kim," in mail.get_body(("plain",)).get_content()
    assert f'lang="{language}"' in mail.get_body(("html",)).get_content()


def test_mail_is_queued_in_the_same_transaction_and_vanishes_on_rollback(app):
    user = make_user()
    mail_user(user, "password_reset", "Subject", link="https://x", minutes=5)
    db.session.rollback()
    assert messages() == []
    mail_user(user, "password_reset", "Subject", link="https://x", minutes=5)
    db.session.commit()
    assert [m.status for m in messages()] == [PENDING]


def test_failed_send_keeps_the_request_working_and_the_message_queued(browser, broken_mail, outbox):
    user = make_user(company=make_company())
    response = browser.submit("/reset", {"email": user.email})
    assert response.status_code == 302
    [message] = messages()
    assert message.status == PENDING and message.attempts == 1
    assert "mail server down" in message.last_error
    assert message.next_attempt_at > utcnow() + timedelta(seconds=20)


def test_worker_retries_with_growing_back_off_and_then_sends(app, runner, monkeypatch, outbox):
    user = make_user()
    mail_user(user, "password_reset", "Subject", link="https://x", minutes=5)
    db.session.commit()
    monkeypatch.setitem(backends._BACKENDS, "memory", BrokenBackend)
    delays = []
    for _ in range(3):
        started = utcnow()
        assert deliver_pending() == (0, 1)
        message = messages()[0]
        delays.append((message.next_attempt_at - started).total_seconds())
        message.next_attempt_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    assert delays[0] < delays[1] < delays[2]
    # Not due yet: nothing happens.
    messages()[0].next_attempt_at = utcnow() + timedelta(minutes=5)
    db.session.commit()
    monkeypatch.undo()
    assert runner.invoke(args=["outbox", "work", "--once"]).exit_code == 0
    assert outbox == []
    messages()[0].next_attempt_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    result = runner.invoke(args=["outbox", "work", "--once"])
    assert "sent 1, failed 0" in result.output
    assert messages()[0].status == SENT
    assert len(outbox) == 1


@pytest.mark.config(MAIL_MAX_ATTEMPTS=2)
def test_message_that_keeps_failing_is_kept_and_marked_failed(app, broken_mail):
    user = make_user()
    mail_user(user, "password_reset", "Subject", link="https://x", minutes=5)
    db.session.commit()
    for _ in range(2):
        deliver_pending()
        for message in messages():
            message.next_attempt_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    [message] = messages()
    assert message.status == FAILED and message.attempts == 2 and message.last_error


@pytest.mark.config(MAIL_DELIVER_INLINE=False)
def test_without_inline_delivery_the_worker_sends(browser, runner, outbox):
    user = make_user(company=make_company())
    browser.submit("/reset", {"email": user.email})
    assert outbox == []
    assert messages()[0].status == PENDING
    runner.invoke(args=["outbox", "work", "--once"])
    assert len(outbox) == 1


def test_file_backend_writes_eml_files(app, tmp_path):
    app.config.update(MAIL_BACKEND="file", MAIL_FILE_DIR=str(tmp_path))
    try:
        user = make_user()
        mail_user(user, "password_reset", "Subject", link="https://x", minutes=5)
        db.session.commit()
        assert deliver_pending() == (1, 0)
    finally:
        app.config.update(MAIL_BACKEND="memory")
    [path] = tmp_path.iterdir()
    assert path.suffix == ".eml" and b"https://x" in path.read_bytes()
