"""Course titles in the reader's language, chosen inside the list's own SQL statement.

The order is the content-language fallback chain of the catalogue (``LanguagePreference``): the reader's
language, the reader's company default, the course's default language, then every language in the portal's
order. Being a scalar subquery of the list's select, it costs no query of its own, whatever the number of rows.
Building that subquery (three aliased tables and their columns) costs SQLAlchemy a few milliseconds, more than many
a whole page, so each one is built once per column and reader and kept.
"""

from sqlalchemy import bindparam, case, func, literal, select
from sqlalchemy.orm import aliased

from oscart.companies.models import Company
from oscart.core.extensions import db
from oscart.core.i18n import LANGUAGES
from oscart.training.models import Course, CourseTranslation

# Bound values a statement built with reader_title() takes; reader_params() gives them.
READER_LANGUAGE = "reader_language"
READER_COMPANY = "reader_company_id"
_BOUND = object()
_BUILT = {}  # (column, fallback, language, company) → (column, fallback, subquery); see reader_title()
_BUILT_MAX = 4096


def reader_title(course_id, fallback=None, *, language=_BOUND, company_id=_BOUND):
    """The title of course ``course_id`` (a column of the enclosing select) for the reader, or ``fallback``
    (a column or value) when the course has no title in any language.

    ``language`` and ``company_id`` default to the bound values READER_LANGUAGE and READER_COMPANY, for
    statements built once and executed with reader_params(); a company of None skips that step.
    """
    key = (id(course_id), fallback if isinstance(fallback, str | None) else id(fallback), language, company_id)
    built = _BUILT.get(key)
    # Ids are keys, the objects themselves are kept and compared: an id is reused once its object is gone.
    if built is not None and built[0] is course_id and (built[1] is fallback or isinstance(fallback, str | None)):
        return built[2]
    title = _build_title(course_id, fallback, language, company_id)
    if len(_BUILT) >= _BUILT_MAX:  # columns of per-request subqueries pass through here too
        _BUILT.clear()
    _BUILT[key] = (course_id, fallback, title)
    return title


def _build_title(course_id, fallback, language, company_id):
    language = bindparam(READER_LANGUAGE) if language is _BOUND else literal(language)
    company_id = bindparam(READER_COMPANY) if company_id is _BOUND else literal(company_id)
    translation, course, company = aliased(CourseTranslation), aliased(Course), aliased(Company)
    company_language = select(company.default_language).where(company.id == company_id).scalar_subquery()
    rank = case((translation.language == language, 0), (translation.language == company_language, 1),
                (translation.language == course.default_language, 2),
                *((translation.language == code, 3 + index) for index, code in enumerate(LANGUAGES)),
                else_=3 + len(LANGUAGES))
    title = (select(translation.title).join(course, course.id == translation.course_id)
             .where(translation.course_id == course_id).order_by(rank).limit(1).scalar_subquery())
    return title if fallback is None else func.coalesce(title, fallback)


def course_titles(course_ids, language, company_id=None):
    """{course id: title} in ``language`` by the fallback chain (company ``company_id``'s default language when
    given); one query. Courses without any title are left out."""
    title = reader_title(Course.id, language=language, company_id=company_id)
    rows = db.session.execute(select(Course.id, title).where(Course.id.in_(set(course_ids)))).all()
    return {course_id: title for course_id, title in rows if title is not None}


def titles_for(reader, course_ids):
    """course_titles() for ``reader`` (a user): their language, then their company's default."""
    return course_titles(course_ids, reader.language, reader.company_id)


def reader_params(reader):
    """The bound values of reader_title() for ``reader`` (a user)."""
    return {READER_LANGUAGE: reader.language, READER_COMPANY: reader.company_id}
