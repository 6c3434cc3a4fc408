"""A company admin's employees beside one session: searched, narrowed to who is (not) registered, and paged.

A company of thousands cannot be one list of check boxes: the page reads one page of people (with the total in the
same statement, see ``paginate``), whatever the company's size.
"""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, bindparam, func, select

from oscart.accounts.models import User
from oscart.accounts.search import person_matches
from oscart.classroom.models import CANCELLED, Registration
from oscart.companies.services import visible_employees
from oscart.core.database import contains_pattern, prepared

SIGNED_UP, NOT_SIGNED_UP = "registered", "unregistered"
SHOWS = (SIGNED_UP, NOT_SIGNED_UP)
SHOW_LABELS = {"": _l("All employees"), SIGNED_UP: _l("Registered or waiting"),
               NOT_SIGNED_UP: _l("Not registered")}


@dataclass
class RosterFilters:
    search: str = ""
    show: str = ""  # "" everyone, SIGNED_UP registered or on the waiting list, NOT_SIGNED_UP anyone else

    @classmethod
    def from_args(cls, args):
        """From the query arguments ``q`` and ``show``; an unknown ``show`` counts as not given."""
        show = args.get("show", "")
        return cls(search=args.get("q", "")[:100], show=show if show in SHOWS else "")

    def as_args(self):
        """The non-empty filters as query arguments (to come back to the same list after a change)."""
        return {name: value for name, value in (("q", self.search), ("show", self.show)) if value}


def list_roster(session, actor, filters):
    """(statement, params, expand) for ``paginate``: rows (id, first_name, last_name, email, status, position) of
    the actor's active employees by name, with their registration in ``session`` (status None: never registered).

    The search finds its text in the e-mail address, the name ("first last") or the employee number."""
    params = {"session_id": session.id, "company_id": actor.company_id}
    search = filters.search.strip().lower()
    if search:
        params["pattern"] = contains_pattern(search)
    return _roster_statement(filters.show if filters.show in SHOWS else "", bool(search)), params, with_registrations


def taking_part():
    """Registered or on the waiting list. Written as "not cancelled" rather than an IN of the two: without
    statistics SQLite would then read every session's registrations through the index on the status."""
    return Registration.status != CANCELLED


@prepared
def _roster_statement(show, searched):
    # The people alone: counting them (for the pages) reads the index on the company's names and nothing else.
    query = (select(User.id, User.first_name, User.last_name, User.email)
             .where(User.company_id == bindparam("company_id"), User.is_active.is_(True), *visible_employees())
             .order_by(User.last_name, User.first_name, User.id))
    if show:
        # Driven by the session's registrations, a few dozen, not by the company's thousands of people.
        signed_up = select(Registration.user_id).where(Registration.session_id == bindparam("session_id"),
                                                       taking_part())
        query = query.where(User.id.in_(signed_up) if show == SIGNED_UP else User.id.not_in(signed_up))
    if searched:
        query = query.where(person_matches(bindparam("pattern")))
    return query


def with_registrations(page):
    """paginate()'s ``expand``: the page's people with their registration in the session (``session_id``)."""
    return (select(page, Registration.status, Registration.position)
            .outerjoin(Registration, and_(Registration.session_id == bindparam("session_id"),
                                          Registration.user_id == page.c.id))
            .order_by(page.c.last_name, page.c.first_name, page.c.id))


def company_counts_part():
    """A part for ``SelectsInOne`` (with the bound ``session_id`` and ``company_id``): how many of the company's
    active employees are registered and waiting, per status; read from the session's registrations."""
    employee = (select(User.id).where(User.id == Registration.user_id, User.company_id == bindparam("company_id"),
                                      User.is_active.is_(True), *visible_employees()).exists())
    return (select(Registration.status, func.count(Registration.id).label("count"))
            .where(Registration.session_id == bindparam("session_id"), taking_part(), employee)
            .group_by(Registration.status), (Registration.status,))
