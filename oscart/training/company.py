"""A company admin's training tools: welcome text and news for the own employees, assigning courses."""

from dataclasses import replace

from flask_babel import lazy_gettext as _l
from sqlalchemy import bindparam, select

from oscart.accounts.models import User
from oscart.audit.services import record_event
from oscart.companies import directory
from oscart.core.database import prepared
from oscart.core.database import rows as column_rows
from oscart.core.exceptions import NotFound, RuleViolation
from oscart.core.extensions import db
from oscart.core.urls import external_url
from oscart.mail.services import mail_user
from oscart.training.content import render_markdown
from oscart.training.enrolling import SELF_ENROL_FORMATS
from oscart.training.models import COMPLETED, PUBLISHED, CompanyNews, Course, Enrolment
from oscart.training.titles import reader_params, reader_title
from oscart.training.visibility import get_visible_course, visible_to_company_clause

NEWS_ORDER = (CompanyNews.is_pinned.desc(), CompanyNews.created_at.desc(), CompanyNews.id.desc())


def list_news(company_id, *, limit=None):
    """Pinned items first, then the newest (``NEWS_ORDER``)."""
    query = (select(CompanyNews.id, CompanyNews.title, CompanyNews.body_html, CompanyNews.is_pinned,
                    CompanyNews.created_at)
             .where(CompanyNews.company_id == company_id)
             .order_by(*NEWS_ORDER))
    return query.limit(limit) if limit else query


def get_news(actor, news_id):
    news = db.session.scalar(select(CompanyNews).where(CompanyNews.id == news_id,
                                                       CompanyNews.company_id == actor.company_id))
    if news is None:
        raise NotFound()
    return news


def save_news(news, *, actor, title, body_source, is_pinned):
    if news is None:
        news = CompanyNews(company_id=actor.company_id, author_id=actor.id)
        db.session.add(news)
    news.title, news.body_source, news.is_pinned = title.strip(), body_source, bool(is_pinned)
    news.body_html = render_markdown(body_source)
    db.session.flush()
    record_event("company.news_saved", actor=actor, company_id=actor.company_id, target=f"news:{news.id}")
    return news


def delete_news(news, *, actor):
    record_event("company.news_deleted", actor=actor, company_id=actor.company_id, target=f"news:{news.id}")
    db.session.delete(news)


def assign_course(actor, course_id, user_ids, *, due_at):
    """Enrol employees of the actor's company in a visible course with a due date; returns the enrolments.

    An employee who already follows the course gets the new due date; a completed enrolment is left alone.
    """
    course = get_visible_course(actor, course_id)
    if course.status != PUBLISHED:
        raise NotFound()
    if course.format not in SELF_ENROL_FORMATS:
        raise RuleViolation(_l("Classroom courses are assigned through their sessions."), "course_id")
    users = db.session.scalars(select(User).where(User.id.in_(list(user_ids)),
                                                  User.company_id == actor.company_id)).all()
    if not users or len(users) != len(set(user_ids)):
        raise RuleViolation(_l("Choose employees of your company."), "user_ids")
    existing = {e.user_id: e for e in db.session.scalars(
        select(Enrolment).where(Enrolment.course_id == course.id, Enrolment.user_id.in_([u.id for u in users])))}
    enrolments, assigned = [], []
    for user in users:
        enrolment = existing.get(user.id)
        if enrolment is not None and enrolment.status == COMPLETED:
            continue
        if enrolment is None:
            enrolment = Enrolment(user_id=user.id, course_id=course.id)
            db.session.add(enrolment)
        enrolment.due_at, enrolment.assigned_by_id = due_at, actor.id
        enrolments.append(enrolment)
        assigned.append(user)
    db.session.flush()  # once for everyone: a flush per person made "everyone the search finds" take seconds
    for user in assigned:
        record_event("training.assigned", actor=actor, subject=user, company_id=actor.company_id,
                     target=f"course:{course.id}", due_at=due_at.isoformat() if due_at else None)
        link = external_url("training.course", course_id=course.id)
        if not (user.is_restricted or user.is_anonymised):  # restriction: storage only, no mail
            mail_user(user, "training_assigned", _l("A course has been assigned to you"), link=link,
                      due_at=due_at, course_code=course.code)
    return enrolments


def assignable_courses(actor):
    """[(id, "CODE · title")] of the published courses the actor's company sees and assigns with a due date
    (not classroom ones: those go through their sessions), by code, titles in the actor's language: one statement."""
    return [(id_, f"{code} · {title}" if title else code) for id_, code, title in
            column_rows(_assignable_courses_statement(), {"company_id": actor.company_id, **reader_params(actor)})]


@prepared
def _assignable_courses_statement():
    return (select(Course.id, Course.code, reader_title(Course.id))
            .where(Course.status == PUBLISHED, Course.format.in_(SELF_ENROL_FORMATS),
                   visible_to_company_clause(bindparam("company_id")))
            .order_by(Course.code))


def assignable_people(actor, filters):
    """(rows, count): statements of the actor's company's active people that ``filters``
    (oscart.companies.directory.Filters) find, by name, and of their number."""
    filters = replace(filters, state=directory.ACTIVE)
    return directory.list_people(actor, filters), directory.count_people(actor, filters)


def found_people_ids(actor, filters):
    """The ids of everyone ``assignable_people`` finds, for "everyone the search finds"."""
    found = assignable_people(actor, filters)[0].subquery()
    return db.session.scalars(select(found.c.id)).all()
