"""The company certificates page's list: one statement per filter shape, built once, run with bound values.

The page's rows and how many certificates match come back in one statement without the ORM layer. The count
stops after ``COUNT_LIMIT`` certificates beyond the page: counting all of a large company's certificates (30,000
for 5,000 people) at every request cost more than the rest of the page, and grew with the company; the page says
"more than" instead. The exports count and read every matching certificate (services.list_company).
"""

from datetime import timedelta

from sqlalchemy import Integer, bindparam, func, literal, select

from oscart.certificates import services
from oscart.certificates.models import Certificate
from oscart.core import local_time
from oscart.core.database import contains_pattern, prepared, rows
from oscart.core.pagination import PER_PAGE, Page
from oscart.training.titles import reader_params

COUNT_LIMIT = 1000


class CompanyPage(Page):
    """A page of the list; ``total`` is exact unless ``is_more`` (then more than ``total`` certificates match)."""

    is_more = False


def company_page(actor, filters, number):
    """Page ``number`` of the actor's company's certificates matching ``filters`` (services.Filters)."""
    number = max(1, min(number or 1, 10_000))
    offset = (number - 1) * PER_PAGE
    today = local_time.today()
    search = (filters.search or "").strip().lower()
    shape = (bool(filters.course_id), bool(filters.user_id), bool(filters.date_from), bool(filters.date_to),
             filters.status, bool(search))
    params = {"company_id": actor.company_id, "course_id": filters.course_id, "user_id": filters.user_id,
              "date_from": filters.date_from, "date_to": filters.date_to, "today": today,
              "horizon": today + timedelta(days=filters.within_days), "pattern": contains_pattern(search),
              "page_limit": PER_PAGE, "page_offset": offset, "count_limit": offset + COUNT_LIMIT + 1,
              **reader_params(actor)}
    page_statement, count_statement = _statements(shape)
    items = rows(page_statement, params)
    # Beyond the last page no row carries the count: it is read on its own.
    total = items[0].page_total if items else (rows(count_statement, params)[0][0] if number > 1 else 0)
    page = CompanyPage(items=items, number=number, per_page=PER_PAGE, total=min(total, offset + COUNT_LIMIT))
    page.is_more = total > offset + COUNT_LIMIT
    return page


@prepared
def _statements(shape):
    has_course, has_user, has_from, has_to, status, has_search = shape
    values = {"company_id": bindparam("company_id", type_=Integer), "course_id": bindparam("course_id"),
              "user_id": bindparam("user_id"), "date_from": bindparam("date_from"),
              "date_to": bindparam("date_to"), "today": bindparam("today"), "horizon": bindparam("horizon"),
              "pattern": bindparam("pattern")}
    filters = services.Filters(course_id=has_course, user_id=has_user, date_from=has_from, date_to=has_to,
                               status=status, search="*" if has_search else None)
    where = (services.company_scope(values["company_id"], filters), *services.filter_clauses(filters, values))
    counted = select(literal(1)).select_from(Certificate).where(*where).limit(
        bindparam("count_limit", type_=Integer, literal_execute=True))
    count = select(func.count()).select_from(counted.subquery())
    page = (
        services.company_select(services.listed_title(), count.scalar_subquery().label("page_total"))
        .where(*where)
        .limit(bindparam("page_limit", type_=Integer, literal_execute=True))
        .offset(bindparam("page_offset", type_=Integer, literal_execute=True))
    )
    return page, count
