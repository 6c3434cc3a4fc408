"""Who is in a group: add people by e-mail address, several at once.

Only active people of the group's own company can be added; an address of anyone else (another company's
account, a deactivated colleague, nobody) gets the same answer. One ``people_changed`` for everyone added, so
the rules of the group assign their courses in one go.
"""

import re

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import insert, select

from oscart.accounts.models import User
from oscart.audit.services import record_events
from oscart.companies.models import GroupMember
from oscart.companies.services import visible_employees
from oscart.core.exceptions import RuleViolation
from oscart.core.extensions import db
from oscart.core.security import normalize_email
from oscart.core.signals import people_changed

MAX_ADDRESSES = 200
FIELD = "addresses"

# "Name <address>" as mail programs copy it: the address alone; then commas, semicolons, spaces, new lines.
_NAMED = re.compile(r"[^,;\n<>]*<([^<>]*)>")
_SEPARATORS = re.compile(r"[,;\s]+")


def parse_addresses(text):
    """Distinct normalised addresses in the order given, or RuleViolation (none, too many)."""
    addresses = []
    for piece in _SEPARATORS.split(_NAMED.sub(r" \1 ", text or "")):
        address = normalize_email(piece)
        if address and address not in addresses:
            addresses.append(address)
    if not addresses:
        raise RuleViolation(_l("Please fill in this field."), FIELD)
    if len(addresses) > MAX_ADDRESSES:
        raise RuleViolation(lazy_ngettext("Add at most %(num)d person at a time.",
                                          "Add at most %(num)d people at a time.", MAX_ADDRESSES), FIELD)
    return addresses


def add_members(group, *, actor, text):
    """Put the active people of the group's company with the addresses in ``text`` in ``group``; nothing is
    added when one address is not such a person (RuleViolation naming them). Returns how many were added (people
    already in the group are left as they are)."""
    addresses = parse_addresses(text)
    # Addresses are stored normalised (auth.services.normalize_email), as ``addresses`` are.
    found = dict(db.session.execute(select(User.email, User.id).where(
        User.email.in_(addresses), User.company_id == group.company_id, User.is_active.is_(True),
        *visible_employees())).all())
    unknown = [address for address in addresses if address not in found]
    if unknown:
        raise RuleViolation(lazy_ngettext(
            "No active person of your company has this address: %(addresses)s",
            "No active person of your company has these addresses: %(addresses)s",
            len(unknown), addresses=", ".join(unknown)), FIELD)
    already = set(db.session.scalars(select(GroupMember.user_id).where(GroupMember.group_id == group.id,
                                                                       GroupMember.user_id.in_(found.values()))))
    adding = [user_id for user_id in found.values() if user_id not in already]
    if not adding:
        return 0
    db.session.execute(insert(GroupMember), [{"group_id": group.id, "user_id": user_id} for user_id in adding])
    record_events([{"action": "group.member_added", "actor_id": actor.id, "subject_id": user_id,
                    "company_id": group.company_id, "target": f"group:{group.id}", "details": {"group": group.name}}
                   for user_id in adding])
    people_changed.send(group.company_id, user_ids=adding, actor=actor)
    return len(adding)
