"""Checking the audit chain: every link, every checkpoint's signature, and heads published outside the database.

A problem names the first position where the chain stops being what was sealed and the kind of change:
``altered`` (content no longer matches its link), ``inserted`` (an event that does not follow the chain),
``deleted`` (missing positions), ``unknown_key`` (sealed under a key that is not configured),
``unsigned`` (a link from before the chain was keyed, not covered by a signed checkpoint),
``forged_checkpoint`` (a checkpoint whose signature does not verify) and ``rewritten`` (differs from a head
published earlier).
"""

import json
from dataclasses import dataclass

from sqlalchemy import func, select

from oscart.audit import keys
from oscart.audit.chain import GENESIS, HEAD_ID, REDACTED_ACTION, compute_hash
from oscart.audit.models import ANCHOR, PURGE, AuditChainHead, AuditCheckpoint, AuditEvent
from oscart.core.extensions import db

DESCRIPTIONS = {
    "altered": "{where} was altered: its content no longer matches its link",
    "inserted": "{where} was inserted: it does not follow the chain",
    "deleted": "events #{seq} to #{last} are missing before {where}",
    "deleted_one": "event #{seq} is missing before {where}",
    "deleted_end": "event #{seq} and later were deleted from the end of the chain",
    "unknown_key": "{where} was sealed under an audit key that is not configured ({settings})",
    "unsigned": "{where} has an unkeyed link that no signed checkpoint covers",
    "forged_checkpoint": "the checkpoint at event #{seq} has no valid signature",
    "rewritten": "{where} differs from the chain head published for it",
}


@dataclass
class Problem:
    kind: str
    seq: int
    event_id: int | None = None
    event_seq: int | None = None  # the event found there, when it is not at ``seq`` (after missing ones)

    def describe(self):
        found = self.event_seq or self.seq
        where = f"event #{found}" + (f" (id {self.event_id})" if self.event_id else "")
        kind = self.kind
        if kind == "deleted":
            kind = "deleted_end" if not self.event_id else "deleted_one" if found == self.seq + 1 else "deleted"
        return DESCRIPTIONS[kind].format(where=where, seq=self.seq, last=found - 1, settings=keys.settings())


def checkpoint_text(kind, seq, hash_, count):
    return f"checkpoint\n{kind}\n{seq}\n{hash_}\n{count or 0}"


def sign_checkpoint(checkpoint):
    checkpoint.key_id, key = keys.current_key()
    checkpoint.mac = keys.mac(key, checkpoint_text(checkpoint.kind, checkpoint.seq, checkpoint.hash,
                                                   checkpoint.purged_count))
    return checkpoint


def _signed_checkpoints(problems):
    signed = []
    for checkpoint in db.session.scalars(select(AuditCheckpoint).order_by(AuditCheckpoint.seq)):
        text = checkpoint_text(checkpoint.kind, checkpoint.seq, checkpoint.hash, checkpoint.purged_count)
        if keys.mac_matches(checkpoint.key_id, text, checkpoint.mac):
            signed.append(checkpoint)
        else:
            problems.append(Problem("forged_checkpoint", checkpoint.seq))
    return signed


def redacted_positions():
    """Every position an ``audit.redacted`` event vouches for."""
    positions = set()
    for details in db.session.scalars(select(AuditEvent.details).where(AuditEvent.action == REDACTED_ACTION)):
        positions.update((details or {}).get("seqs", ()))
    return positions


def verify_chain():
    """Walk the chain from the latest signed purge checkpoint; return (events checked, problems, start)."""
    problems = []
    signed = _signed_checkpoints(problems)
    purges = [checkpoint for checkpoint in signed if checkpoint.kind == PURGE]
    anchors = {checkpoint.seq: checkpoint.hash for checkpoint in signed if checkpoint.kind == ANCHOR}
    start = purges[-1].seq if purges else 0
    expected_seq, expected_prev = start + 1, (purges[-1].hash if purges else GENESIS)
    covered_up_to, checked, vouched = max(anchors, default=0), 0, redacted_positions()
    events = db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq).execution_options(yield_per=1000))
    for event in events:
        checked += 1
        if event.seq <= start:
            problems.append(Problem("inserted", event.seq, event.id))
            continue
        if event.seq > expected_seq:
            problems.append(Problem("deleted", expected_seq, event.id, event.seq))
        elif event.prev_hash != expected_prev:
            problems.append(Problem("inserted", event.seq, event.id))
        problems.extend(_check_link(event, event.seq <= covered_up_to, event.seq in vouched))
        if event.seq in anchors and anchors[event.seq] != event.hash:
            problems.append(Problem("altered", event.seq, event.id))
        expected_seq, expected_prev = event.seq + 1, event.hash
    problems = _compare_with_head(problems, expected_seq - 1, expected_prev)
    problems.sort(key=lambda problem: problem.seq)
    return checked, problems, start


def _check_link(event, covered, redacted):
    if redacted and event.redacted_at is not None:
        return [] if event.key_id is not None or covered else [Problem("unsigned", event.seq, event.id)]
    try:
        matches = compute_hash(event.prev_hash, event) == event.hash
    except keys.UnknownKey:
        return [] if covered else [Problem("unknown_key", event.seq, event.id)]
    if not matches:
        return [Problem("altered", event.seq, event.id)]
    return [] if event.key_id is not None or covered else [Problem("unsigned", event.seq, event.id)]


def _compare_with_head(problems, last_seq, last_hash):
    """``problems`` plus events cut from, or added to, the end of the chain, as the head row shows them."""
    head = db.session.get(AuditChainHead, HEAD_ID)
    if head is None:
        return problems
    if last_seq < head.last_seq:
        return [*problems, Problem("deleted", last_seq + 1)]
    if last_seq > head.last_seq:
        # Positions after the head never held an event: a gap there is no deletion, each event there is added.
        added = db.session.execute(select(AuditEvent.seq, AuditEvent.id).where(AuditEvent.seq > head.last_seq)
                                   .order_by(AuditEvent.seq)).all()
        kept = [problem for problem in problems if problem.kind != "deleted" or problem.seq <= head.last_seq]
        return kept + [Problem("inserted", seq, event_id) for seq, event_id in added]
    if last_hash != head.last_hash:
        return [*problems, Problem("inserted", last_seq)]
    return problems


def head_record(now):
    """The chain head as one signed JSON line, for an operator to keep outside the database."""
    head = db.session.get(AuditChainHead, HEAD_ID)
    seq, hash_ = (head.last_seq, head.last_hash) if head else (0, GENESIS)
    identifier, key = keys.current_key()
    record = {"at": now.isoformat(timespec="seconds"), "seq": seq, "hash": hash_, "key_id": identifier}
    record["mac"] = keys.mac(key, f"head\n{seq}\n{hash_}")
    return json.dumps(record, sort_keys=True)


def compare_with_published(lines, purged_up_to):
    """Problems where the chain differs from heads published earlier (one JSON line each)."""
    problems, records = [], [json.loads(line) for line in lines if line.strip()]
    wanted = {record["seq"]: record for record in records if record["seq"] > purged_up_to}
    found = dict(db.session.execute(select(AuditEvent.seq, AuditEvent.hash).where(AuditEvent.seq.in_(wanted))).all())
    for seq, record in sorted(wanted.items()):
        if not keys.mac_matches(record.get("key_id"), f"head\n{seq}\n{record['hash']}", record.get("mac")):
            problems.append(Problem("forged_checkpoint", seq))
        elif seq not in found:
            problems.append(Problem("deleted", seq))
        elif found[seq] != record["hash"]:
            problems.append(Problem("rewritten", seq))
    return problems


def anchor_checkpoint():
    """Sign the head as an anchor after a clean check: links before it then count even without their key."""
    checked, problems, _start = verify_chain()
    # Unkeyed links are what an anchor vouches for, but only those sealed before the first keyed one.
    first_keyed = db.session.scalar(select(func.min(AuditEvent.seq)).where(AuditEvent.key_id.is_not(None)))
    problems = [problem for problem in problems
                if problem.kind != "unsigned" or (first_keyed is not None and problem.seq > first_keyed)]
    if problems:
        return None, problems
    head = db.session.get(AuditChainHead, HEAD_ID)
    if head is None:
        return None, []
    checkpoint = sign_checkpoint(AuditCheckpoint(kind=ANCHOR, seq=head.last_seq, hash=head.last_hash,
                                                 purged_count=0))
    db.session.add(checkpoint)
    return checkpoint, []
