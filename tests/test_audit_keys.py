"""The audit chain is keyed: rewriting history without the audit key is detected, and the key can be rotated."""

import hashlib

import pytest
from sqlalchemy import delete, func, select, text, update

from oscart.audit.chain import canonical
from oscart.audit.models import ANCHOR, PURGE, AuditCheckpoint, AuditEvent
from oscart.audit.services import record_event
from oscart.core.extensions import db
from tests.factories import make_company, make_user


@pytest.fixture
def user():
    return make_user(company=make_company())


def record(user, count):
    for n in range(count):
        record_event("login.failed", subject=user, count=n)
    db.session.commit()


def verify(runner, *args):
    return runner.invoke(args=["audit", "verify", *args])


def chain():
    return db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all()


def sha256_link(prev_hash, event):
    """What someone without the key can compute: the plain SHA-256 link of an unkeyed chain."""
    return hashlib.sha256(f"{prev_hash}\n{canonical(event)}".encode()).hexdigest()


def rewrite_unkeyed(events, start=0):
    """Re-link ``events[start:]`` as an unkeyed chain and move the head, as a writer without the key can."""
    prev = events[start].prev_hash
    for event in events[start:]:
        event.key_id, event.prev_hash = None, prev
        event.hash = prev = sha256_link(prev, event)
    db.session.execute(text("UPDATE audit_chain_head SET last_hash = :h"), {"h": prev})
    db.session.commit()


def test_every_event_names_its_key_and_its_link_is_an_hmac(user):
    record(user, 3)
    events = chain()
    assert {event.key_id for event in events} != {None} and len({event.key_id for event in events}) == 1
    assert all(event.hash != sha256_link(event.prev_hash, event) for event in events)


def test_history_rewritten_without_the_key_is_reported_at_the_first_changed_event(runner, user):
    record(user, 6)
    events = chain()
    events[2].details = {"count": 99}
    rewrite_unkeyed(events, start=2)
    result = verify(runner)
    assert result.exit_code == 1
    assert "First broken link: event #3" in result.output
    assert "unkeyed link" in result.output


def test_a_link_recomputed_under_another_key_is_reported_as_altered(runner, user, app):
    record(user, 4)
    event = chain()[1]
    event.details = {"count": 42}
    event.hash = hashlib.sha256(b"guess").hexdigest()
    db.session.commit()
    result = verify(runner)
    assert result.exit_code == 1
    assert "First broken link: event #2" in result.output and "altered" in result.output


def test_a_forged_purge_checkpoint_is_reported_and_does_not_hide_a_deletion(runner, user):
    record(user, 5)
    events = chain()
    db.session.execute(delete(AuditEvent).where(AuditEvent.seq <= 3))
    db.session.add(AuditCheckpoint(kind=PURGE, seq=3, hash=events[2].hash, purged_count=3))
    db.session.commit()
    result = verify(runner)
    assert result.exit_code == 1
    assert "the checkpoint at event #3 has no valid signature" in result.output
    assert "missing" in result.output


def test_an_unkeyed_chain_from_before_the_upgrade_counts_once_a_checkpoint_signs_it(runner, user):
    record(user, 4)
    rewrite_unkeyed(chain())  # what an installation upgraded from the unkeyed chain has
    assert verify(runner).exit_code == 1
    result = runner.invoke(args=["audit", "checkpoint"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(AuditCheckpoint.kind)) == ANCHOR
    record(user, 2)
    result = verify(runner)
    assert result.exit_code == 0, result.output
    assert "Audit trail intact: 6 events checked." in result.output


def test_the_checkpoint_refuses_keyed_events_turned_into_unkeyed_ones(runner, user):
    record(user, 4)
    rewrite_unkeyed(chain(), start=2)
    result = runner.invoke(args=["audit", "checkpoint"])
    assert result.exit_code == 1
    assert db.session.scalar(select(func.count(AuditCheckpoint.id))) == 0


def test_rotating_the_key_with_a_checkpoint_keeps_old_events_verifiable_after_the_old_key_goes(runner, user, app):
    old, new = "first-audit-key", "second-audit-key"
    app.config.update(AUDIT_KEY=old, AUDIT_KEY_FALLBACKS=[])
    try:
        record(user, 3)
        app.config.update(AUDIT_KEY=new, AUDIT_KEY_FALLBACKS=[old])
        assert verify(runner).exit_code == 0
        assert runner.invoke(args=["audit", "checkpoint"]).exit_code == 0
        record(user, 2)
        app.config.update(AUDIT_KEY_FALLBACKS=[])
        result = verify(runner)
        assert result.exit_code == 0, result.output
        assert len({event.key_id for event in chain()}) == 2
    finally:
        app.config.update(AUDIT_KEY=None, AUDIT_KEY_FALLBACKS=[])


def test_events_under_a_key_that_is_gone_without_a_checkpoint_are_reported(runner, user, app):
    app.config.update(AUDIT_KEY="first-audit-key")
    try:
        record(user, 2)
        app.config.update(AUDIT_KEY="second-audit-key")
        result = verify(runner)
    finally:
        app.config.update(AUDIT_KEY=None)
    assert result.exit_code == 1
    assert "not configured" in result.output


def test_a_changed_secret_key_is_named_and_a_checkpoint_under_the_old_one_mends_it(runner, user, app):
    """Without AUDIT_KEY the audit key derives from SECRET_KEY: the README's key change keeps the old one."""
    record(user, 2)
    old = app.config["SECRET_KEY"]
    app.config.update(SECRET_KEY="a-new-secret-key")
    try:
        result = verify(runner)
        assert result.exit_code == 1
        assert "AUDIT_KEY is not set: keys derived from SECRET_KEY, SECRET_KEY_FALLBACKS" in result.output
        app.config.update(SECRET_KEY_FALLBACKS=[old])
        assert runner.invoke(args=["audit", "checkpoint"]).exit_code == 0
        app.config.update(SECRET_KEY_FALLBACKS=[])
        result = verify(runner)
        assert result.exit_code == 0, result.output
    finally:
        app.config.update(SECRET_KEY=old, SECRET_KEY_FALLBACKS=[])


def test_a_published_head_catches_events_cut_from_the_end(runner, user, tmp_path):
    record(user, 5)
    heads = tmp_path / "audit-heads.jsonl"
    assert runner.invoke(args=["audit", "publish-head", str(heads)]).exit_code == 0
    events = chain()
    db.session.execute(delete(AuditEvent).where(AuditEvent.seq >= 4))
    db.session.execute(text("UPDATE audit_chain_head SET last_seq = 3, last_hash = :h"), {"h": events[2].hash})
    db.session.commit()
    assert verify(runner).exit_code == 0  # consistent inside the database …
    result = verify(runner, "--published", str(heads))
    assert result.exit_code == 1  # … but not with what was published
    assert "event #5" in result.output


def test_a_published_head_catches_a_rewrite_of_its_event(runner, user, tmp_path, app):
    record(user, 3)
    heads = tmp_path / "audit-heads.jsonl"
    runner.invoke(args=["audit", "publish-head", str(heads)])
    db.session.execute(update(AuditEvent).where(AuditEvent.seq == 3).values(hash="0" * 64))
    db.session.commit()
    result = verify(runner, "--published", str(heads))
    assert result.exit_code == 1
    assert "differs from the chain head published" in result.output


def test_events_recorded_in_one_batch_are_keyed_and_verify(runner, user):
    from oscart.audit.services import record_events

    record(user, 1)
    record_events([{"action": "attendance.marked", "subject_id": user.id, "details": {"n": n}} for n in range(3)])
    db.session.commit()
    assert None not in {event.key_id for event in chain()}
    assert verify(runner).exit_code == 0
