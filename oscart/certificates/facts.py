"""What a certificate prints, gathered from the enrolment, the course and (for classroom) the session."""

from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import InvalidRequestError

from oscart.accounts.models import User
from oscart.certificates import dates
from oscart.certificates.rendering import PrintedFacts
from oscart.core import local_time
from oscart.core.extensions import db
from oscart.core.i18n import pick_translation
from oscart.training.models import CourseTranslation

MAX_FACT = 200


def session_facts(session):
    """Place, trainer and days of a classroom session, read defensively (None: an e-learning completion).

    Only attribute names are assumed, so this works with the classroom feature's TrainingSession and with
    any object carrying ``place``/``location``, ``trainer``/``trainer_id``/``trainer_name``, ``starts_at``/
    ``ends_at`` (datetimes or dates).
    """
    if session is None:
        return {}
    trainer_name = _attr(session, "trainer_name")
    trainer = _attr(session, "trainer")
    if not trainer_name and trainer is not None:
        trainer_name = getattr(trainer, "full_name", None)
    trainer_id = _attr(session, "trainer_id")
    if not trainer_name and trainer_id:
        user = db.session.get(User, trainer_id)
        trainer_name = user.full_name if user is not None else None
    return {
        "place": _text(_attr(session, "place", "location", "venue")),
        "trainer_name": _text(trainer_name),
        "started_on": local_time.local_date(_attr(session, "starts_at", "start_at", "starts_on", "start")),
        "ended_on": local_time.local_date(_attr(session, "ends_at", "end_at", "ends_on", "end")),
    }


def _attr(obj, *names):
    for name in names:
        try:
            value = getattr(obj, name, None)
        except InvalidRequestError:  # a relationship that may not lazy-load
            value = None
        if value is not None:
            return value
    return None


def _text(value):
    if value is None:
        return None
    text = str(value).strip()[:MAX_FACT]
    return text or None


def course_title(course, language):
    """The course title in ``language``, else along the content-language fallback chain."""
    rows = db.session.execute(select(CourseTranslation.language, CourseTranslation.title)
                              .where(CourseTranslation.course_id == course.id)).all()
    titles = dict(rows)
    chosen = pick_translation(titles, language, course.default_language)
    return titles[chosen] if chosen else course.code


def facts_for_enrolment(enrolment, user, course, session, *, code):
    completed_on = session.get("ended_on") or local_time.local_date(enrolment.completed_at) or local_time.today()
    started_on = session.get("started_on")
    return PrintedFacts(
        code=code, language=user.language, holder_name=user.full_name,
        course_title=course_title(course, user.language), hours=Decimal(str(course.duration_hours or 0)),
        completed_on=completed_on, started_on=started_on if started_on and started_on < completed_on else None,
        place=session.get("place"), trainer_name=session.get("trainer_name"),
        valid_until=dates.valid_until(completed_on, course.validity_months), issued_on=local_time.today(),
    )
