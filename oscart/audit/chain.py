"""The tamper-evident hash chain over audit events.

Every event stores ``seq`` (its position), ``prev_hash`` (the hash of the event before it) and ``hash`` =
SHA-256(prev_hash + canonical content). Changing, removing or slipping in an event breaks the chain,
and ``verify_chain`` says where.

Concurrency: appending reads and moves the single ``AuditChainHead`` row with an UPDATE before the
event is written. On PostgreSQL that UPDATE takes the row lock, which is held until the transaction
commits or rolls back, so transactions that write audit events append one after the other, each
seeing the head its predecessor committed (several gunicorn workers or hosts are safe). On SQLite the
UPDATE takes the database write lock, which serialises writers the same way. A rolled-back transaction
rolls back its head move too, so the chain never has holes.
"""

import hashlib
import json
from dataclasses import dataclass

from sqlalchemy import insert, select, update

from oscart.audit.models import AuditChainHead, AuditCheckpoint, AuditEvent
from oscart.extensions import db

GENESIS = "0" * 64
HEAD_ID = 1
# Recorded by oscart.audit.redaction: lists the positions whose personal data was removed.
REDACTED_ACTION = "audit.redacted"


def normalise_details(details):
    """The details as they read back from the JSON column (tuples become lists, keys strings)."""
    return json.loads(json.dumps(details or {}, default=str))


def canonical(event):
    content = {
        "seq": event.seq,
        "at": event.at.isoformat(timespec="microseconds"),
        "actor": event.actor_id,
        "subject": event.subject_id,
        "company": event.company_id,
        "ip": event.ip,
        "action": event.action,
        "target": event.target,
        "details": event.details,
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def compute_hash(prev_hash, event):
    return hashlib.sha256(f"{prev_hash}\n{canonical(event)}".encode()).hexdigest()


def lock_head(advance=1):
    """Lock the chain head (see the module docstring) and move it ``advance`` positions on.

    Returns (last seq after the move, last hash); (None, GENESIS) when there is no head row yet.
    """
    row = db.session.execute(
        update(AuditChainHead)
        .where(AuditChainHead.id == HEAD_ID)
        .values(last_seq=AuditChainHead.last_seq + advance)
        .returning(AuditChainHead.last_seq, AuditChainHead.last_hash)
        .execution_options(synchronize_session=False)
    ).first()
    return (row.last_seq, row.last_hash) if row is not None else (None, GENESIS)


def _next_position():
    seq, prev_hash = lock_head()
    if seq is None:  # first event ever (or after the tables were emptied)
        db.session.execute(insert(AuditChainHead).values(id=HEAD_ID, last_seq=1, last_hash=GENESIS))
        return 1, GENESIS
    return seq, prev_hash


def seal(event):
    """Give ``event`` its place and hashes in the chain; call before it is flushed."""
    event.seq, event.prev_hash = _next_position()
    event.hash = compute_hash(event.prev_hash, event)
    db.session.execute(
        update(AuditChainHead)
        .where(AuditChainHead.id == HEAD_ID)
        .values(last_hash=event.hash)
        .execution_options(synchronize_session=False)
    )
    return event


def seal_batch(events):
    """Give several new events consecutive places in the chain with one move of the head."""
    if not events:
        return events
    last, prev_hash = lock_head(advance=len(events))
    if last is None:
        db.session.execute(insert(AuditChainHead).values(id=HEAD_ID, last_seq=len(events), last_hash=GENESIS))
        last = len(events)
    for position, event in enumerate(events, start=last - len(events) + 1):
        event.seq, event.prev_hash = position, prev_hash
        event.hash = prev_hash = compute_hash(prev_hash, event)
    db.session.execute(
        update(AuditChainHead)
        .where(AuditChainHead.id == HEAD_ID)
        .values(last_hash=prev_hash)
        .execution_options(synchronize_session=False)
    )
    return events


@dataclass
class Problem:
    kind: str  # altered | inserted | deleted
    seq: int
    event_id: int | None = None

    def describe(self):
        where = f"event #{self.seq}" + (f" (id {self.event_id})" if self.event_id else "")
        return {
            "altered": f"{where} was altered: its content no longer matches its hash",
            "inserted": f"{where} was inserted: it does not follow the chain",
            "deleted": f"events from #{self.seq} on are missing before {where}"
            if self.event_id else f"event #{self.seq} and later were deleted from the end of the chain",
        }[self.kind]


def latest_checkpoint():
    return db.session.scalar(select(AuditCheckpoint).order_by(AuditCheckpoint.seq.desc()).limit(1))


def redacted_positions():
    """Every position an ``audit.redacted`` event vouches for."""
    positions = set()
    for details in db.session.scalars(select(AuditEvent.details).where(AuditEvent.action == REDACTED_ACTION)):
        positions.update((details or {}).get("seqs", ()))
    return positions


def verify_chain():
    """Walk the chain from the latest checkpoint (or the start); return (events checked, problems)."""
    checkpoint = latest_checkpoint()
    start = checkpoint.seq if checkpoint else 0
    expected_seq, expected_prev = start + 1, (checkpoint.hash if checkpoint else GENESIS)
    problems, checked = [], 0
    vouched = redacted_positions()
    events = db.session.scalars(
        select(AuditEvent).order_by(AuditEvent.seq).execution_options(yield_per=1000)
    )
    for event in events:
        checked += 1
        if event.seq <= start:
            problems.append(Problem("inserted", event.seq, event.id))
            continue
        if event.seq > expected_seq:
            problems.append(Problem("deleted", expected_seq, event.id))
        elif event.prev_hash != expected_prev:
            problems.append(Problem("inserted", event.seq, event.id))
        redacted = event.redacted_at is not None and event.seq in vouched
        if not redacted and compute_hash(event.prev_hash, event) != event.hash:
            problems.append(Problem("altered", event.seq, event.id))
        expected_seq, expected_prev = event.seq + 1, event.hash
    problems.extend(_compare_with_head(expected_seq - 1, expected_prev))
    return checked, problems


def _compare_with_head(last_seq, last_hash):
    """Events cut from, or added to, the end of the chain show against the head row."""
    head = db.session.get(AuditChainHead, HEAD_ID)
    if head is None:
        return []
    if last_seq < head.last_seq:
        return [Problem("deleted", last_seq + 1)]
    if last_seq > head.last_seq:
        return [Problem("inserted", seq) for seq in range(head.last_seq + 1, last_seq + 1)]
    if last_hash != head.last_hash:
        return [Problem("inserted", last_seq)]
    return []
