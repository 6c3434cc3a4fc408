"""Keyset-free page-number pagination of a select() that returns rows."""

import weakref
from dataclasses import dataclass

from sqlalchemy import Integer, bindparam, func, select

from oscart.core.database import rows as column_rows
from oscart.core.extensions import db

PER_PAGE = 25


@dataclass
class Page:
    items: list
    number: int
    per_page: int
    total: int

    @property
    def pages(self):
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self):
        return self.number > 1

    @property
    def has_next(self):
        return self.number < self.pages


# The count and page statements derived from a reused (prepared) statement are reused with it, per ``expand``.
_derived = weakref.WeakKeyDictionary()


def paginate(query, number, per_page=PER_PAGE, params=None, expand=None, count=None):
    """The page ``number`` of a select(), with the total, in a fixed number of queries whatever the table size.

    ``params`` are the bound values of a prepared ``query`` (see ``oscart.core.database.prepared``); such a query
    is run as a column select without the ORM layer, in one statement that also counts every matching row
    (a second one only when the page lies beyond the last). Its rows carry that count as ``page_total``.
    ``expand`` (a module-level function, with ``params``) turns the page, given as a subquery, into the
    statement that is run instead, e.g. the page joined with the texts of its rows; the items are then its rows.
    ``count`` (without ``params``): a cheaper statement that counts the same rows as ``query``.
    """
    number = max(1, min(number or 1, 10_000))
    if params is None:
        if count is None:
            count = select(func.count()).select_from(query.order_by(None).subquery())
        total = db.session.scalar(count)
        rows = db.session.execute(query.limit(per_page).offset((number - 1) * per_page)).all()
        return Page(items=rows, number=number, per_page=per_page, total=total)
    derived = _derived.setdefault(query, {})
    if expand not in derived:
        count = select(func.count()).select_from(query.order_by(None).subquery())
        # An uncorrelated subquery is run once, and the page itself can still stop after its last row. The limit
        # and offset are written into the SQL: the plan PostgreSQL reuses for a prepared statement is made
        # without the parameters' values, and for an unknown limit it may plan to read every row.
        page = (query.add_columns(count.scalar_subquery().label("page_total"))
                .limit(bindparam("page_limit", type_=Integer, literal_execute=True))
                .offset(bindparam("page_offset", type_=Integer, literal_execute=True)))
        derived[expand] = (expand(page.subquery()) if expand else page, count)
    page, count = derived[expand]
    rows = column_rows(page, {**params, "page_limit": per_page, "page_offset": (number - 1) * per_page})
    # Beyond the last page no row carries the total: it is counted on its own.
    total = rows[0].page_total if rows else (column_rows(count, params)[0][0] if number > 1 else 0)
    return Page(items=rows, number=number, per_page=per_page, total=total)
