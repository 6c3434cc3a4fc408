"""The audit trail is tamper-evident: `flask audit verify` finds altered, inserted and deleted events."""

from datetime import timedelta

import pytest
from sqlalchemy import delete, select, text, update

from oscart.audit.chain import compute_hash
from oscart.audit.models import AuditCheckpoint, AuditEvent
from oscart.audit.services import record_event
from oscart.core.database import utcnow
from oscart.core.extensions import db
from tests.factories import make_company, make_user


@pytest.fixture
def events():
    user = make_user(company=make_company())
    for n in range(6):
        record_event("login.failed", subject=user, count=n)
    db.session.commit()
    return db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq)).all()


def verify(runner):
    return runner.invoke(args=["audit", "verify"])


def test_an_untouched_chain_verifies(runner, events):
    result = verify(runner)
    assert result.exit_code == 0
    assert "Audit trail intact: 6 events checked." in result.output


def test_each_event_hashes_its_content_and_the_previous_hash(events):
    assert [e.seq for e in events] == [1, 2, 3, 4, 5, 6]
    for before, after in zip(events, events[1:], strict=False):
        assert after.prev_hash == before.hash
        assert after.hash == compute_hash(before.hash, after)


def test_an_altered_event_is_reported(runner, events):
    db.session.execute(update(AuditEvent).where(AuditEvent.seq == 3).values(ip="203.0.113.9"))
    db.session.commit()
    result = verify(runner)
    assert result.exit_code == 1
    assert "event #3" in result.output and "altered" in result.output


def test_an_altered_event_with_a_recomputed_hash_still_breaks_the_chain(runner, events):
    event = events[2]
    event.details = {"count": 99}
    event.hash = compute_hash(event.prev_hash, event)
    db.session.commit()
    result = verify(runner)
    assert result.exit_code == 1
    assert "event #4" in result.output and "inserted" in result.output


def test_a_deleted_event_is_reported(runner, events):
    db.session.execute(delete(AuditEvent).where(AuditEvent.seq == 4))
    db.session.commit()
    result = verify(runner)
    assert result.exit_code == 1
    assert "event #4 is missing before event #5" in result.output


def test_several_deleted_events_are_reported_as_one_range_before_the_event_that_follows(runner, events):
    db.session.execute(delete(AuditEvent).where(AuditEvent.seq.in_([3, 4])))
    db.session.commit()
    result = verify(runner)
    assert result.exit_code == 1
    assert "events #3 to #4 are missing before event #5" in result.output
    assert "1 problem(s)" in result.output


def test_events_deleted_from_the_end_are_reported(runner, events):
    db.session.execute(delete(AuditEvent).where(AuditEvent.seq >= 5))
    db.session.commit()
    result = verify(runner)
    assert result.exit_code == 1
    assert "event #5 and later were deleted" in result.output


def test_an_inserted_event_is_reported_even_with_a_valid_hash(runner, events):
    last = events[-1]
    forged = AuditEvent(seq=last.seq + 1, at=utcnow(), action="user.role_changed", details={"role": "admin"},
                        prev_hash=last.hash, hash="")
    forged.hash = compute_hash(last.hash, forged)
    db.session.add(forged)
    db.session.commit()
    result = verify(runner)
    assert result.exit_code == 1
    assert "event #7" in result.output and "inserted" in result.output


def test_an_event_inserted_far_after_the_head_is_one_problem_at_its_own_position(runner, events):
    last = events[-1]
    forged = AuditEvent(seq=1000, at=utcnow(), action="user.role_changed", details={"role": "admin"},
                        prev_hash=last.hash, hash="", key_id=last.key_id)  # as if the key were known
    forged.hash = compute_hash(last.hash, forged)
    db.session.add(forged)
    db.session.commit()
    result = verify(runner)
    assert result.exit_code == 1
    assert f"First broken link: event #1000 (id {forged.id}) was inserted" in result.output
    assert "1 problem(s) in 7 events" in result.output  # positions 7 to 999 never held an event


def test_purge_leaves_a_checkpoint_and_the_rest_still_verifies(runner, events):
    old = utcnow() - timedelta(days=400)
    db.session.execute(update(AuditEvent).where(AuditEvent.seq <= 4).values(at=old))
    # Re-seal the changed events, as if they had been recorded back then.
    prev = events[0].prev_hash
    for event in db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq)):
        event.prev_hash, event.hash = prev, compute_hash(prev, event)
        prev = event.hash
    db.session.execute(text("UPDATE audit_chain_head SET last_hash = :h"), {"h": prev})
    db.session.commit()

    result = runner.invoke(args=["audit", "purge", "--before", (utcnow() - timedelta(days=30)).strftime("%Y-%m-%d")])
    assert "Purged 4 audit events" in result.output
    assert db.session.scalars(select(AuditEvent.seq).order_by(AuditEvent.seq)).all() == [5, 6, 7]
    checkpoint = db.session.scalar(select(AuditCheckpoint))
    assert (checkpoint.seq, checkpoint.purged_count) == (4, 4)
    result = verify(runner)
    assert result.exit_code == 0, result.output
    assert "3 events checked since the checkpoint after event #4" in result.output


def test_purge_without_date_uses_the_configured_retention(runner, events, app):
    result = runner.invoke(args=["audit", "purge"])
    assert "nothing purged" in result.output
    assert db.session.scalar(select(db.func.count(AuditEvent.id))) == 6


def test_a_rolled_back_event_leaves_no_gap(runner, events):
    user = make_user()
    record_event("login.failed", subject=user)
    db.session.rollback()
    record_event("login.failed", subject=user)
    db.session.commit()
    assert verify(runner).exit_code == 0


def test_redaction_keeps_the_chain_verifiable(runner, events):
    from oscart.audit.redaction import redact_events

    def scrub(event):
        event.ip, event.details = None, {}

    assert redact_events((AuditEvent.seq.in_([2, 3]),), scrub, reason="erasure") == 2
    db.session.commit()
    result = verify(runner)
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(AuditEvent.details).where(AuditEvent.seq == 2)) == {}


def test_a_change_passed_off_as_redaction_is_still_reported(runner, events):
    db.session.execute(update(AuditEvent).where(AuditEvent.seq == 4)
                       .values(details={"count": 99}, redacted_at=utcnow()))
    db.session.commit()
    result = verify(runner)
    assert result.exit_code == 1
    assert "event #4" in result.output and "altered" in result.output
