"""Self check-in: during a part its trainer shows a QR code that registered trainees scan, logged in, to mark
themselves present. The code changes every CODE_SECONDS and is accepted for a little longer (a scan that takes
a moment still counts), only while the part runs. A check-in never changes a mark the trainer already made:
the trainer stays in charge of the final marks on the sheet."""

import hashlib
import hmac
from datetime import timedelta

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from oscart.audit.services import record_event
from oscart.classroom.models import PRESENT, REGISTERED, Attendance, Registration
from oscart.core.database import utcnow
from oscart.core.exceptions import RuleViolation
from oscart.core.extensions import db
from oscart.core.locking import lock

CODE_SECONDS = 30
ACCEPTED_STEPS = 3  # the code shown now and the two before it: 60 to 90 seconds
EARLY = timedelta(minutes=15)  # trainees arriving early may check in before the part starts


def _code(part_id, step):
    key = hashlib.sha256(b"classroom-check-in|" + str(current_app.config["SECRET_KEY"]).encode()).digest()
    return hmac.new(key, f"{part_id}:{step}".encode(), hashlib.sha256).hexdigest()[:16]


def _step(now):
    return int(now.timestamp()) // CODE_SECONDS


def is_open(part, now=None):
    now = now or utcnow()
    return part.starts_at - EARLY <= now < part.ends_at


def current_code(part, now=None):
    return _code(part.id, _step(now or utcnow()))


def check_in(session, part, user, code, *, now=None):
    """Mark ``user`` present in ``part`` with a scanned ``code``; False when already marked (nothing changes)."""
    lock(session)
    now = now or utcnow()
    if not is_open(part, now):
        raise RuleViolation(_l("Check-in is open only while the part runs."))
    step = _step(now)
    if not any(hmac.compare_digest(_code(part.id, step - back), code or "") for back in range(ACCEPTED_STEPS)):
        raise RuleViolation(_l("This code has expired. Scan the code the trainer shows now."))
    status = db.session.scalar(select(Registration.status).where(Registration.session_id == session.id,
                                                                 Registration.user_id == user.id))
    if status != REGISTERED:
        raise RuleViolation(_l("You are not registered for this session. Please see the trainer."))
    if db.session.scalar(select(Attendance.id).where(Attendance.part_id == part.id, Attendance.user_id == user.id)):
        return False
    db.session.add(Attendance(part_id=part.id, session_id=session.id, part_starts_at=part.starts_at, user_id=user.id,
                              status=PRESENT, minutes=part.minutes, note="", marked_by_id=user.id, version=1,
                              updated_at=now))
    db.session.flush()
    record_event("classroom.checked_in", actor=user, subject=user, target=f"classroom-session:{session.id}",
                 session_id=session.id, part_id=part.id, after={"status": PRESENT, "minutes": part.minutes})
    return True
