"""Personal data of the classroom feature for the privacy registry: registrations, attendance with drawn
signatures, and the personal calendar address."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import aliased

from oscart.accounts.models import User
from oscart.classroom.feed_models import CalendarFeed
from oscart.classroom.models import Attendance, Registration, SessionTrainer, TrainingSession
from oscart.core.database import LIKE_ESCAPE, contains_pattern
from oscart.core.extensions import db
from oscart.core.personal_data import (
    Export,
    eraser,
    exporter,
    free_text,
    identifying_texts,
    plain,
    purger,
    rows_as_dicts,
)
from oscart.training.models import Course

free_text(Attendance.note, mentions_people=True, kept_under_legal_hold=True)
free_text(TrainingSession.place)


@exporter("registrations", _l("Classroom sessions"), _l("The sessions you registered for."),
          retention="anonymised_records")
def export_registrations(user):
    return rows_as_dicts(
        select(Registration.id, Registration.session_id, Course.code.label("course_code"),
               TrainingSession.starts_at, TrainingSession.place, Registration.status, Registration.position,
               Registration.is_walk_in, Registration.created_at, Registration.cancelled_at)
        .join(TrainingSession, TrainingSession.id == Registration.session_id)
        .join(Course, Course.id == TrainingSession.course_id)
        .where(Registration.user_id == user.id).order_by(Registration.id))


@exporter("sessions_taught", _l("Sessions you taught"), _l("The classroom sessions you were a trainer of."))
def export_sessions_taught(user):
    return rows_as_dicts(
        select(TrainingSession.id.label("session_id"), Course.code.label("course_code"), TrainingSession.starts_at,
               TrainingSession.place)
        .join(SessionTrainer, SessionTrainer.session_id == TrainingSession.id)
        .join(Course, Course.id == TrainingSession.course_id)
        .where(SessionTrainer.user_id == user.id).order_by(TrainingSession.starts_at))


@exporter("attendance", _l("Attendance"), _l("Your attendance per session part: status, minutes, the trainer's "
                                              "note, who marked it, and your signature where you signed the "
                                              "sign-in sheet (as an image file)."), retention="anonymised_records")
def export_attendance(user):
    marker = aliased(User)
    rows = db.session.execute(
        select(Attendance.id, Attendance.session_id, Course.code.label("course_code"), Attendance.part_starts_at,
               Attendance.status, Attendance.minutes, Attendance.note, Attendance.marked_by_id,
               func.trim(func.coalesce(marker.first_name, "") + " " + func.coalesce(marker.last_name, ""))
               .label("marked_by_name"), Attendance.updated_at, Attendance.signed_at, Attendance.signature)
        .join(TrainingSession, TrainingSession.id == Attendance.session_id)
        .join(Course, Course.id == TrainingSession.course_id)
        .outerjoin(marker, marker.id == Attendance.marked_by_id)
        .where(Attendance.user_id == user.id).order_by(Attendance.part_starts_at, Attendance.id)).all()
    data = []
    for row in rows:
        item = {key: plain(value) for key, value in row._mapping.items() if key != "signature"}
        item["file"] = _signature_name(row.id) if row.signature else None
        data.append(item)
    return Export(data, files=[(_signature_name(row.id), row.signature) for row in rows if row.signature])


def _signature_name(attendance_id):
    return f"signatures/attendance-{attendance_id}.png"


@exporter("calendar_feed", _l("Personal calendar address"),
          _l("Whether you have a personal calendar address, and when it was made or last renewed. The address "
             "itself is secret: only a fingerprint of it is kept, so it is not in this archive."))
def export_calendar_feed(user):
    made = db.session.scalar(select(CalendarFeed.created_at).where(CalendarFeed.user_id == user.id))
    return {"has_calendar_feed": made is not None, "feed_made_at": plain(made)}


# --- Erasure ---------------------------------------------------------------------------------------
# Registrations and attendance rows stay for the company's statistics: they reference the anonymised user
# row. ``marked_by_id`` of the rows the person marked as a trainer stays too (the anonymised user).


@eraser("attendance_notes")
def erase_attendance_notes(user, *, legal_hold):
    """Free text about the person goes: the notes on their own attendance, and any note on someone else's
    attendance that names them or gives their e-mail address. Under a legal hold the record stays as is."""
    if legal_hold:
        return 0
    mentions = [func.lower(Attendance.note).like(contains_pattern(needle), escape=LIKE_ESCAPE)
                for needle in identifying_texts(user)]
    return db.session.execute(update(Attendance).where(or_(Attendance.user_id == user.id, *mentions),
                                                       Attendance.note != "").values(note="")).rowcount


@eraser("attendance_signatures")
def erase_signatures(user, *, legal_hold):
    """The person's drawn signatures go; under a legal hold they stay with the attendance record they prove."""
    if legal_hold:
        return 0
    return db.session.execute(update(Attendance).where(Attendance.user_id == user.id, Attendance.signed_at.is_not(None))
                              .values(signature=None, signed_at=None)).rowcount


@eraser("calendar_feed")
def erase_calendar_feed(user, *, legal_hold):
    """The personal calendar address stops working (it would list the person's sessions to whoever holds it)."""
    return db.session.execute(delete(CalendarFeed).where(CalendarFeed.user_id == user.id)).rowcount


@purger("attendance")
def purge_attendance(user_ids, *, dry_run):
    """Registrations and attendance of people erased longer ago than the anonymised-records period."""
    tables = ((Attendance, Attendance.user_id), (Registration, Registration.user_id))
    if dry_run:
        return sum(db.session.scalar(select(func.count()).select_from(model).where(column.in_(user_ids)))
                   for model, column in tables)
    return sum(db.session.execute(delete(model).where(column.in_(user_ids))).rowcount for model, column in tables)
