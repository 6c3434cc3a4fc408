"""The attendance sheet of one session part: load it, save it in one go, and complete courses from it.

Saving runs a fixed number of statements whatever the number of trainees: one batched UPDATE guarded by
each row's ``version`` (optimistic locking), one batched INSERT, one batch of audit events.
"""

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.exc import IntegrityError

from oscart.accounts.models import User
from oscart.audit.services import record_events
from oscart.classroom.access import check_teaches
from oscart.classroom.completion import complete_from_attendance
from oscart.classroom.models import (
    ABSENT,
    ATTENDANCE_STATUSES,
    EXCUSED,
    PRESENT,
    REGISTERED,
    Attendance,
    Registration,
)
from oscart.classroom.registrations import register_user
from oscart.classroom.sessions import get_part
from oscart.core.database import utcnow
from oscart.core.exceptions import Conflict, RuleViolation
from oscart.core.extensions import db


class SheetConflict(Conflict):
    """Someone saved the sheet since it was loaded; ``changes`` say what they changed."""

    def __init__(self, message, changes):
        super().__init__(message)
        self.changes = changes


def check_entry(entry, part):
    """Normalise one row of the sheet; RuleViolation names the field of that row."""
    user_id = entry["user_id"]
    if entry["status"] not in ATTENDANCE_STATUSES:
        raise RuleViolation(_l("Choose a status."), f"status-{user_id}")
    minutes = entry.get("minutes")
    if entry["status"] in (ABSENT, EXCUSED):
        minutes = 0
    elif minutes is None:
        if entry["status"] != PRESENT:
            raise RuleViolation(_l("Enter the minutes attended."), f"minutes-{user_id}")
        minutes = part.minutes
    if minutes < 0 or minutes > part.minutes:
        raise RuleViolation(lazy_ngettext("Enter between 0 and %(num)s minute (the length of this part).",
                                          "Enter between 0 and %(num)s minutes (the length of this part).",
                                          part.minutes), f"minutes-{user_id}")
    return {**entry, "minutes": minutes, "note": (entry.get("note") or "").strip()[:1000]}


def save_sheet(part_id, entries, *, actor, walk_in_ids=(), now=None):
    """Save every row of the sheet at once; returns the number of changed rows.

    ``entries``: dicts with user_id, status, minutes (None: the whole part when present), note and the
    ``version`` the form was loaded with (None when the row did not exist yet).
    """
    now = now or utcnow()
    session, part = get_part(part_id, actor=actor)
    check_teaches(session, actor)
    if not part.has_started(now):
        raise RuleViolation(_l("This part has not started yet; attendance can be marked from its start."))
    walk_ins = _add_walk_ins(session, walk_in_ids, actor, now)
    registered = set(db.session.scalars(select(Registration.user_id).where(
        Registration.session_id == session.id, Registration.status == REGISTERED)))
    seen = set()
    for entry in entries:
        if entry["user_id"] not in registered or entry["user_id"] in seen:
            raise RuleViolation(_l("Attendance can only be marked for people registered in this session."))
        seen.add(entry["user_id"])
    entries = [check_entry(entry, part) for entry in entries]
    entries += [{"user_id": uid, "status": PRESENT, "minutes": part.minutes, "note": "", "version": None}
                for uid in walk_ins if uid not in seen]
    existing = {row.user_id: row for row in db.session.execute(select(
        Attendance.id, Attendance.user_id, Attendance.status, Attendance.minutes, Attendance.note,
        Attendance.version, Attendance.marked_by_id, Attendance.updated_at).where(Attendance.part_id == part.id))}
    _check_versions(entries, existing)
    changed = [e for e in entries if e["user_id"] not in existing or _differs(e, existing[e["user_id"]])]
    _write(part, session, changed, existing, actor, now)
    complete_from_attendance(session, {e["user_id"] for e in changed}, actor)
    return len(changed)


def _add_walk_ins(session, walk_in_ids, actor, now):
    if not walk_in_ids:
        return []
    if session.company_id is None:
        raise RuleViolation(_l("Walk-ins can only be added to an in-company session."), "walk_in")
    users = list(db.session.scalars(select(User).where(User.id.in_(walk_in_ids),
                                                       User.company_id == session.company_id)))
    if len(users) != len(set(walk_in_ids)):
        raise RuleViolation(_l("Walk-ins must be employees of the session's company."), "walk_in")
    for user in users:
        register_user(session, user, actor=actor, now=now, walk_in=True)
    return [user.id for user in users]


def _differs(entry, row):
    return (entry["status"], entry["minutes"], entry["note"]) != (row.status, row.minutes, row.note)


def _check_versions(entries, existing):
    stale = [e for e in entries
             if (e["user_id"] in existing and e.get("version") != existing[e["user_id"]].version)
             or (e["user_id"] not in existing and e.get("version") is not None)]
    if stale:
        raise SheetConflict(_l("Someone else saved this sheet after you opened it. Nothing was saved: check "
                               "their changes below and save again."),
                            changes=_describe(stale, existing))


def _describe(stale, existing):
    ids = {e["user_id"] for e in stale} | {r.marked_by_id for r in existing.values() if r.marked_by_id}
    names = dict(db.session.execute(select(User.id, User.first_name + " " + User.last_name)
                                    .where(User.id.in_(ids))).all())
    changes = []
    for entry in stale:
        row = existing.get(entry["user_id"])
        changes.append({"name": names.get(entry["user_id"], ""), "yours": entry,
                        "theirs": row and {"status": row.status, "minutes": row.minutes, "note": row.note,
                                           "by": names.get(row.marked_by_id, ""), "at": row.updated_at}})
    return changes


def _write(part, session, changed, existing, actor, now):
    updates = [e for e in changed if e["user_id"] in existing]
    inserts = [e for e in changed if e["user_id"] not in existing]
    if updates:
        table = Attendance.__table__
        statement = (update(table).where(table.c.id == bindparam("row_id"), table.c.version == bindparam("old"))
                     .values(status=bindparam("status"), minutes=bindparam("minutes"), note=bindparam("note"),
                             marked_by_id=actor.id, updated_at=now, version=table.c.version + 1))
        # Guarded by the version the form was loaded with, not the one read just now: a save that slipped in
        # between the check and this statement makes the row count fall short.
        params = [{"row_id": existing[e["user_id"]].id, "old": e["version"], "status": e["status"],
                   "minutes": e["minutes"], "note": e["note"]} for e in updates]
        if db.session.execute(statement, params).rowcount != len(params):
            raise SheetConflict(_l("Someone else saved this sheet at the same moment. Nothing was saved: "
                                   "reload the sheet and save again."), changes=[])
    if inserts:
        try:
            with db.session.begin_nested():
                db.session.execute(insert(Attendance), [
                    {"part_id": part.id, "session_id": session.id, "part_starts_at": part.starts_at,
                     "user_id": e["user_id"], "status": e["status"],
                     "minutes": e["minutes"], "note": e["note"], "marked_by_id": actor.id, "version": 1,
                     "updated_at": now} for e in inserts])
        except IntegrityError:
            raise SheetConflict(_l("Someone else saved this sheet at the same moment. Nothing was saved: "
                                   "reload the sheet and save again."), changes=[]) from None
    _audit(part, session, changed, existing, actor)


def _audit(part, session, changed, existing, actor):
    """One audit event per changed row, with before and after, written in one batch."""
    companies = dict(db.session.execute(select(User.id, User.company_id).where(
        User.id.in_([e["user_id"] for e in changed]))).all()) if changed else {}
    events = []
    for entry in changed:
        row = existing.get(entry["user_id"])
        before = row and {"status": row.status, "minutes": row.minutes, "note": row.note}
        events.append({
            "action": "classroom.attendance_marked", "actor_id": actor.id, "subject_id": entry["user_id"],
            "company_id": companies.get(entry["user_id"]), "target": f"classroom-session:{session.id}",
            "details": {"session_id": session.id, "part_id": part.id, "before": before,
                        "after": {"status": entry["status"], "minutes": entry["minutes"], "note": entry["note"]}}})
    record_events(events)
