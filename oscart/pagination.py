"""Keyset-free page-number pagination of a select() that returns rows."""

from dataclasses import dataclass

from sqlalchemy import func, select

from oscart.extensions import db

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


def paginate(query, number, per_page=PER_PAGE):
    """One count query and one page query, whatever the table size."""
    number = max(1, min(number or 1, 10_000))
    total = db.session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = db.session.execute(query.limit(per_page).offset((number - 1) * per_page)).all()
    return Page(items=rows, number=number, per_page=per_page, total=total)
