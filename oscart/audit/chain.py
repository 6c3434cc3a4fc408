"""The tamper-evident hash chain over audit events.

Every event stores ``seq`` (its position), ``prev_hash`` (the hash of the event before it), ``key_id`` and
``hash`` = HMAC-SHA256 under the audit key (``oscart.audit.keys``, never stored in the database) of prev_hash
and the canonical content. Changing, removing or slipping in an event breaks the chain, and without the key
nobody can recompute it; ``oscart.audit.verification`` says where. Events written before the chain was keyed
have no ``key_id`` and a plain SHA-256 link; they count only up to a signed checkpoint.

Concurrency: appending reads and moves the single ``AuditChainHead`` row with an UPDATE before the
event is written. On PostgreSQL that UPDATE takes the row lock, which is held until the transaction
commits or rolls back, so transactions that write audit events append one after the other, each
seeing the head its predecessor committed (several gunicorn workers or hosts are safe). On SQLite the
UPDATE takes the database write lock, which serialises writers the same way. A rolled-back transaction
rolls back its head move too, so the chain never has holes.
"""

import hashlib
import json

from sqlalchemy import insert, select, update

from oscart.audit import keys
from oscart.audit.models import PURGE, AuditChainHead, AuditCheckpoint
from oscart.core.extensions import db

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
    """The link of ``event``: HMAC under the key it names; raises keys.UnknownKey for a key not configured."""
    text = f"{prev_hash}\n{canonical(event)}"
    if event.key_id is None:  # sealed before the chain was keyed
        return hashlib.sha256(text.encode()).hexdigest()
    return keys.mac(keys.key_for(event.key_id), text)


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
    event.key_id = keys.current_key()[0]
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
    current = keys.current_key()[0]
    for position, event in enumerate(events, start=last - len(events) + 1):
        event.seq, event.prev_hash, event.key_id = position, prev_hash, current
        event.hash = prev_hash = compute_hash(prev_hash, event)
    db.session.execute(
        update(AuditChainHead)
        .where(AuditChainHead.id == HEAD_ID)
        .values(last_hash=prev_hash)
        .execution_options(synchronize_session=False)
    )
    return events


def latest_checkpoint():
    """The last retention purge's checkpoint (where the remaining chain starts), or None."""
    return db.session.scalar(select(AuditCheckpoint).where(AuditCheckpoint.kind == PURGE)
                             .order_by(AuditCheckpoint.seq.desc()).limit(1))
