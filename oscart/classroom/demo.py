"""Demo classroom data: courses, past sessions with attendance, an upcoming full session with a waiting
list, an in-company session for Acme, and trainees who completed a course through attendance."""

import base64
import io
import math
from datetime import time, timedelta
from decimal import Decimal

from PIL import Image, ImageDraw
from sqlalchemy import select

from oscart.classroom.attendance import save_sheet
from oscart.classroom.models import (
    ABSENT,
    EXCUSED,
    LATE,
    LEFT_EARLY,
    PRESENT,
    REGISTERED,
    WAITLISTED,
    Registration,
    SessionPart,
    SessionTrainer,
    TrainingSession,
)
from oscart.classroom.signatures import PREFIX, sign_attendance
from oscart.core.database import utcnow
from oscart.core.extensions import db
from oscart.core.local_time import local_to_utc
from oscart.training.models import BLENDED, CLASSROOM, PUBLISHED, Course, CourseTranslation

COURSES = (
    ("VCA-BASIS", CLASSROOM, 80, {"nl": "VCA Basisveiligheid", "fr": "VCA Sécurité de base",
                                  "de": "SCC Grundlagen der Sicherheit", "en": "VCA Basic safety"}),
    ("EHBO-BLENDED", BLENDED, 100, {"nl": "Eerste hulp op de werkvloer", "fr": "Premiers secours au travail",
                                    "de": "Erste Hilfe am Arbeitsplatz", "en": "First aid at work"}),
)


def _course(code, course_format, threshold, titles):
    course = db.session.scalar(select(Course).where(Course.code == code))
    if course is None:
        course = Course(code=code, format=course_format, attendance_threshold_percent=threshold, status=PUBLISHED,
                        duration_hours=Decimal("8"), published_at=utcnow())
        db.session.add(course)
        db.session.flush()
        for language, title in titles.items():
            db.session.add(CourseTranslation(course_id=course.id, language=language, title=title))
    return course


def _session(course, trainer, days, *, hours=((9, 12), (13, 17)), capacity=12, company=None, place=""):
    day = (utcnow() + timedelta(days=days)).date()
    parts = [(local_to_utc(day, time(start)), local_to_utc(day, time(end))) for start, end in hours]
    session = TrainingSession(
        course_id=course.id, company_id=company.id if company else None, language="nl", capacity=capacity,
        place=place or "Oscart Campus, Mechelsesteenweg 12, 2000 Antwerpen", meeting_url="", starts_at=parts[0][0],
        ends_at=parts[-1][1], total_minutes=sum(int((e - s).total_seconds() // 60) for s, e in parts),
        cancellation_deadline_at=parts[0][0] - timedelta(hours=48), created_by_id=trainer.id)
    db.session.add(session)
    db.session.flush()
    db.session.add_all([SessionPart(session_id=session.id, starts_at=s, ends_at=e) for s, e in parts])
    db.session.add(SessionTrainer(session_id=session.id, user_id=trainer.id))
    db.session.flush()
    return session


def _register(session, users, status=REGISTERED):
    for position, user in enumerate(users, start=1):
        db.session.add(Registration(session_id=session.id, user_id=user.id, status=status,
                                    position=position if status == WAITLISTED else None))
    db.session.flush()


def seed(demo):
    vca, ehbo = (_course(*data) for data in COURSES)
    db.session.flush()
    if db.session.scalar(select(TrainingSession.id).where(TrainingSession.course_id == vca.id).limit(1)):
        return  # already seeded
    trainer = demo.user("trainer@oscart.example")
    anna, pieter, sofie, bruno, claire, jonas = (demo.user(e) for e in (
        "anna@acme.example", "pieter@acme.example", "sofie@acme.example", "bruno@globex.example",
        "claire@globex.example", "jonas@globex.example"))

    past = _session(vca, trainer, -30)
    _register(past, [anna, pieter, sofie, bruno, claire, jonas])
    first, second = db.session.scalars(select(SessionPart).where(SessionPart.session_id == past.id)
                                       .order_by(SessionPart.starts_at)).all()
    morning = {anna: (PRESENT, None, ""), pieter: (LATE, 150, "Trein vertraagd"), sofie: (LEFT_EARLY, 120, ""),
               bruno: (EXCUSED, None, "Certificat médical"), claire: (ABSENT, None, ""), jonas: (PRESENT, None, "")}
    afternoon = {**morning, pieter: (PRESENT, None, "")}
    for part, marks in ((first, morning), (second, afternoon)):
        entries = [{"user_id": user.id, "status": status, "minutes": minutes, "note": note, "version": None}
                   for user, (status, minutes, note) in marks.items()]
        # Anna, Pieter and Jonas reach the 80 % threshold and complete the course (update_completion).
        save_sheet(part.id, entries, actor=trainer, now=part.ends_at)
    # Anna and Jonas signed the morning's sign-in sheet on the trainer's tablet.
    for seed_number, user in enumerate((anna, jonas), start=1):
        sign_attendance(first.id, user.id, _drawn_signature(seed_number), actor=trainer, version=1,
                        now=first.starts_at + timedelta(minutes=5))

    upcoming = _session(vca, trainer, 14, capacity=3)
    _register(upcoming, [anna, pieter, bruno])
    _register(upcoming, [sofie, claire], status=WAITLISTED)

    acme = demo.companies["Acme Logistics"]
    in_company = _session(ehbo, trainer, 21, hours=((9, 16),), capacity=8, company=acme,
                          place="Acme Logistics, Havenlaan 5, 9000 Gent")
    _register(in_company, [anna, sofie])
    _session(ehbo, trainer, 35, capacity=10)


def _drawn_signature(seed_number):
    """A PNG data URL like the tablet's signature pad posts: a looping stroke on a transparent canvas."""
    image = Image.new("RGBA", (900, 300), (0, 0, 0, 0))
    points = [(60 + x * 6, 150 + 60 * math.sin(x / (3 + seed_number)) * math.cos(x / 17)) for x in range(130)]
    ImageDraw.Draw(image).line(points, fill=(17, 17, 17, 255), width=5, joint="curve")
    out = io.BytesIO()
    image.save(out, "PNG")
    return PREFIX + base64.b64encode(out.getvalue()).decode("ascii")
