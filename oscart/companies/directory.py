"""The company's people as its admins look them up: filtered lists, one person, the groups on a page.

Every query is scoped to the actor's company; restricted and erased people stay hidden (visible_employees).
"""

from dataclasses import dataclass, replace

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from oscart.accounts.models import User
from oscart.accounts.search import person_matches
from oscart.companies.models import Group, GroupMember, JobRole
from oscart.companies.services import visible_employees
from oscart.core.database import contains_pattern
from oscart.core.exceptions import NotFound
from oscart.core.extensions import db
from oscart.core.ids import coerce_id

ACTIVE, DEACTIVATED, EVERYONE = "active", "deactivated", "all"
STATE_LABELS = {ACTIVE: _l("Active"), DEACTIVATED: _l("Deactivated"), EVERYONE: _l("Everyone")}


@dataclass
class Filters:
    search: str = ""
    group_id: int | None = None
    job_role_id: int | None = None
    state: str = ACTIVE

    @classmethod
    def from_args(cls, args, *, states=True):
        """The filters of a list or picker of people from its query arguments (``q``, ``group``, ``job_role``,
        ``state``); anything malformed counts as not given. Without ``states`` only active people are listed."""
        state = args.get("state", ACTIVE) if states else ACTIVE
        return cls(search=args.get("q", "")[:100], group_id=args.get("group", type=coerce_id),
                   job_role_id=args.get("job_role", type=coerce_id),
                   state=state if state in STATE_LABELS else ACTIVE)


def list_people(actor, filters):
    """Rows of the actor's company's people matching ``filters``, by name, with their job role's name."""
    return (
        select(User.id, User.first_name, User.last_name, User.email, User.role, User.language, User.is_active,
               User.last_login_at, User.employee_number, User.deactivated_at, JobRole.name.label("job_role"))
        .outerjoin(JobRole, JobRole.id == User.job_role_id)
        .where(*_matching(actor, filters))
        .order_by(User.last_name, User.first_name, User.id)
    )


def count_people(actor, filters):
    """The statement counting ``list_people``'s rows: from the user table alone, read from its index by company,
    or for a group from the group's members, each person looked up once (not every person of the company probed
    for membership)."""
    if not filters.group_id:
        return select(func.count(User.id)).where(*_matching(actor, filters))
    return (select(func.count(GroupMember.user_id)).join(User, User.id == GroupMember.user_id)
            .where(GroupMember.group_id == filters.group_id, *_matching(actor, replace(filters, group_id=None))))


def _matching(actor, filters):
    conditions = [User.company_id == actor.company_id, *visible_employees()]
    if filters.state == ACTIVE:
        conditions.append(User.is_active.is_(True))
    elif filters.state == DEACTIVATED:
        conditions.append(User.is_active.is_(False))
    if filters.group_id:
        conditions.append(select(GroupMember.id).where(GroupMember.user_id == User.id,
                                                       GroupMember.group_id == filters.group_id).exists())
    if filters.job_role_id:
        conditions.append(User.job_role_id == filters.job_role_id)
    search = (filters.search or "").strip().lower()
    if search:
        pattern = contains_pattern(search)
        conditions.append(person_matches(pattern))
    return conditions


def group_names(user_ids):
    """{user id: [group names]} for the people of one page, in one query."""
    names = {}
    if user_ids:
        rows = db.session.execute(select(GroupMember.user_id, Group.name)
                                  .join(Group, Group.id == GroupMember.group_id)
                                  .where(GroupMember.user_id.in_(user_ids)).order_by(func.lower(Group.name)))
        for user_id, name in rows:
            names.setdefault(user_id, []).append(name)
    return names


def get_person(actor, user_id):
    """A person of the actor's company, active or deactivated; another company's id is NotFound."""
    user = db.session.scalar(select(User).where(User.id == user_id, User.company_id == actor.company_id,
                                                *visible_employees()))
    if user is None or actor.company_id is None:
        raise NotFound()
    return user
