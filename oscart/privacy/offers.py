"""Offers after a recent visit: a consenting user viewed a course, did not enrol within N days."""

from datetime import timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import exists, func, select

from oscart.accounts.models import User
from oscart.core.database import utcnow
from oscart.core.extensions import db
from oscart.privacy import policy
from oscart.privacy.marketing import queue_marketing, reachable_users
from oscart.privacy.models import OfferSent
from oscart.training import models as training
from oscart.training.titles import titles_for

# Only visits of the last RECENT_DAYS count as "recent".
RECENT_DAYS = 30


def due_offers(days, *, now=None):
    """(user_id, course_id) pairs that should get an offer now."""
    model = training.CourseView
    now = now or utcnow()
    viewed_at = model.viewed_at
    enrolled = exists().where(training.Enrolment.user_id == model.user_id,
                              training.Enrolment.course_id == model.course_id)
    offered = exists().where(OfferSent.user_id == model.user_id, OfferSent.course_id == model.course_id)
    users = reachable_users(policy.OFFERS).with_only_columns(User.id)
    return (select(model.user_id, model.course_id)
            .join(training.Course, training.Course.id == model.course_id)
            .where(model.user_id.in_(users), training.Course.status == training.PUBLISHED,
                   ~enrolled, ~offered)
            .group_by(model.user_id, model.course_id)
            .having(func.max(viewed_at) <= now - timedelta(days=days),
                    func.max(viewed_at) >= now - timedelta(days=days + RECENT_DAYS)))


def send_offers(days, *, now=None):
    """Queue one offer per due (user, course); returns how many."""
    sent = 0
    for user_id, course_id in db.session.execute(due_offers(days, now=now)).all():
        user = db.session.get(User, user_id)
        queue_marketing(user, "privacy_offer", _l("A course you looked at on Oscart"), purpose=policy.OFFERS,
                        course_title=titles_for(user, [course_id]).get(course_id, ""), course_id=course_id)
        db.session.add(OfferSent(user_id=user_id, course_id=course_id, at=utcnow()))
        sent += 1
    return sent
