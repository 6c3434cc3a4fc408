"""Offers after a recent visit: at most one per course, only with consent and without enrolment."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from oscart.core.database import utcnow
from oscart.core.extensions import db
from oscart.mail.models import MARKETING, OutboxMessage
from oscart.privacy import policy
from oscart.privacy.offers import send_offers
from oscart.training import models as training
from tests.factories import give_consent, make_company, make_privacy_course, make_user


@pytest.fixture
def course_views():
    return training.CourseView


def _view(model, user, course, days_ago):
    """The user opened the course page ``days_ago`` days ago (one row per user and course)."""
    view = db.session.scalar(select(model).where(model.user_id == user.id, model.course_id == course.id))
    if view is None:
        view = model(user_id=user.id, course_id=course.id)
        db.session.add(view)
    view.viewed_at = utcnow() - timedelta(days=days_ago)
    db.session.commit()


def test_one_offer_per_course_only_with_consent_and_without_enrolment(course_views):
    course, other_course = make_privacy_course(title="Heftruck"), make_privacy_course()
    keen = make_user(company=make_company(), language="nl")
    give_consent(keen, policy.OFFERS)
    silent = make_user(company=make_company())
    enrolled = make_user(company=make_company())
    give_consent(enrolled, policy.OFFERS)
    db.session.add(training.Enrolment(user_id=enrolled.id, course_id=course.id))
    db.session.commit()
    for user in (keen, silent, enrolled):
        _view(course_views, user, course, days_ago=10)
    _view(course_views, keen, other_course, days_ago=2)  # too recent: may still enrol
    assert send_offers(7) == 1
    db.session.commit()
    message = db.session.scalar(select(OutboxMessage))
    assert message.user_id == keen.id and message.kind == MARKETING
    assert "Heftruck" in message.body_text and "List-Unsubscribe" in message.headers
    _view(course_views, keen, course, days_ago=9)
    assert send_offers(7) == 0  # at most once per course


def test_no_offer_after_withdrawal(course_views):
    course = make_privacy_course()
    user = make_user(company=make_company())
    give_consent(user, policy.OFFERS)
    give_consent(user, policy.OFFERS, granted=False)
    _view(course_views, user, course, days_ago=10)
    assert send_offers(7) == 0
