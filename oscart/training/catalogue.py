"""The catalogue: published courses a trainee may see, filtered and searched, as cards in the trainee's language."""

from collections import namedtuple

from sqlalchemy import and_, bindparam, exists, func, or_, select

from oscart.core.database import LIKE_ESCAPE, contains_pattern, prepared
from oscart.core.i18n import fold_for_search
from oscart.training.models import PUBLISHED, Course, CourseTranslation, Enrolment
from oscart.training.texts import first_row_per_id, pick_course_texts
from oscart.training.visibility import visible_to_company_clause


def list_catalogue(actor, *, search=None, format=None, language=None):
    """(statement, params): rows of published courses the actor may see, with the actor's enrolment status."""
    params = {"user_id": actor.id}
    if actor.company_id is not None:
        params["company_id"] = actor.company_id
    if format:
        params["format"] = format
    if language:
        params["language"] = language
    words = (search or "").split()[:5]
    for index, word in enumerate(words):
        params[f"word_{index}"] = contains_pattern(fold_for_search(word))
    return _catalogue_statement(actor.company_id is None, bool(format), bool(language), len(words)), params


@prepared
def _catalogue_statement(for_staff, by_format, by_language, words):
    query = (
        select(Course.id, Course.code, Course.format, Course.duration_hours, Course.default_language,
               Enrolment.status.label("enrolment_status"), Enrolment.progress_percent)
        .outerjoin(Enrolment, and_(Enrolment.course_id == Course.id, Enrolment.user_id == bindparam("user_id")))
        .where(Course.status == PUBLISHED,
               visible_to_company_clause(None if for_staff else bindparam("company_id")))
        .order_by(Course.code)
    )
    if by_format:
        query = query.where(Course.format == bindparam("format"))
    if by_language:
        query = query.where(exists().where(CourseTranslation.course_id == Course.id,
                                           CourseTranslation.language == bindparam("language")))
    for index in range(words):
        pattern = bindparam(f"word_{index}")
        query = query.where(or_(func.lower(Course.code).like(pattern, escape=LIKE_ESCAPE), exists().where(
            CourseTranslation.course_id == Course.id, CourseTranslation.search_text.like(pattern, escape=LIKE_ESCAPE))))
    return query


def with_course_texts(page):
    """paginate() ``expand`` for the catalogue: each course of the page once per language it has a text in."""
    return (select(page, CourseTranslation.course_id, CourseTranslation.language, CourseTranslation.title,
                   CourseTranslation.summary)
            .outerjoin(CourseTranslation, CourseTranslation.course_id == page.c.id)
            .order_by(page.c.code, page.c.id))


# One course of a catalogue page, in the language picked for the trainee (a named tuple: templates read its
# fields by attribute, which a dict answers only after a failed getattr).
CatalogueCard = namedtuple("CatalogueCard", "id code format duration_hours title summary languages enrolment_status "
                                            "progress_percent")


def catalogue_cards(found, preferred):
    """The CatalogueCard of each course of a with_course_texts page, in order."""
    courses = first_row_per_id(found)
    texts = pick_course_texts(found, {row.id: row.default_language for row in courses}, preferred)
    cards = []
    for row in courses:
        text, languages = texts.get(row.id, (None, ()))
        cards.append(CatalogueCard(row.id, row.code, row.format, row.duration_hours,
                                   text.title if text else row.code, text.summary if text else None,
                                   tuple(languages), row.enrolment_status, row.progress_percent))
    return cards
