"""What an import would do, row by row: checked against the company's people, groups and job roles, read once.

An address with an account in another company gets the same "cannot be added" as every address that cannot
be, so the preview never tells that it exists elsewhere. An empty cell leaves the person's value unchanged.
"""

import hashlib
import json
from dataclasses import dataclass, field
from functools import cache

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from sqlalchemy import ARRAY, any_, bindparam, select

from oscart.accounts.models import User
from oscart.companies.models import Group, GroupMember, Invitation, JobRole
from oscart.core.extensions import db
from oscart.core.i18n import LANGUAGE_LABELS, LANGUAGES, fold_for_search, force_locale
from oscart.core.security import COMPANY_ADMIN, TRAINEE, normalize_email
from oscart.workspace.import_columns import split_groups

NEW, UPDATED, UNCHANGED, REFUSED = "new", "updated", "unchanged", "refused"
STATUSES = (NEW, UPDATED, UNCHANGED, REFUSED)
BATCH = 500  # addresses per IN (…) list

INVALID_ADDRESS = _l("The e-mail address is missing or not valid.")
DUPLICATE = _l("This address is already on line %(line)d of the file.")
CANNOT_ADD = _l("This person cannot be added.")
NAMES_NEEDED = _l("A new person needs a first and a last name.")
TOO_LONG = _l("%(field)s is too long.")
UNKNOWN_LANGUAGE = _l("Unknown language: %(value)s (write nl, fr, de or en).")
UNKNOWN_GROUPS = _l("Unknown group: %(names)s")
UNKNOWN_ROLE = _l("Unknown job role: %(name)s")
NUMBER_TAKEN = _l("The employee number %(number)s already belongs to someone else.")
MANAGER_NOT_FOUND = _l("The manager %(email)s is neither a person of your company nor a person in the file.")
OWN_MANAGER = _l("A person cannot be their own manager.")
EMAIL_COLUMN_NEEDED = _l("Choose the column that holds the e-mail addresses.")
COLUMN_TWICE = _l("Each column can fill one field only.")
PREVIEW_STALE = _l("Your company's people changed since this preview. Check the new preview, then import.")


@dataclass
class Row:
    line: int
    email: str
    values: dict
    errors: list = field(default_factory=list)
    status: str = NEW
    account: object = None
    changes: dict = field(default_factory=dict)  # User columns to set on an existing person
    group_ids: set | None = None  # the groups the person ends up in (None: leave them)
    manager_email: str | None = None
    user_id: int | None = None  # the existing person's, or the new one's once created
    groups_changed: bool = False

    @property
    def changed_fields(self):
        """What an update changes, in the order of the file's fields."""
        return [*self.changes, *(["groups"] if self.groups_changed else [])]

    @property
    def job_role_key(self):
        return fold_for_search(self.values["job_role"]) if "job_role" in self.values else None


@dataclass
class Plan:
    rows: list
    company_id: int
    memberships: dict  # user id → {group id: membership id}
    roles: dict  # folded name → job role id
    accounts: dict  # address → User, for the file's addresses and managers

    def count(self, status):
        return sum(row.status == status for row in self.rows)

    @property
    def counts(self):
        return {status: self.count(status) for status in STATUSES}

    @property
    def digest(self):
        """Changes when what the import would do changes (a stale preview is shown again, not imported)."""
        summary = [(row.line, row.status, sorted(row.changes.items(), key=str),
                    sorted(row.group_ids or ()), row.manager_email) for row in self.rows]
        return hashlib.sha256(json.dumps(summary, default=str).encode()).hexdigest()[:32]


def plan_import(company, header, rows, mapping):
    """A Plan for the file's ``rows`` read through ``mapping`` (field → column index) into ``company``."""
    parsed = [Row(line=number, email="", values=_values(cells, mapping)) for number, cells in enumerate(rows, 2)]
    context = _Context(company, parsed)
    seen_emails, seen_numbers = {}, {}
    for row in parsed:
        _check_address(row, context, seen_emails)
        _check_person(row, context, seen_numbers)
    _check_managers(parsed, context)
    for row in parsed:
        row.status = REFUSED if row.errors else NEW if row.account is None else UPDATED if _differs(row, context) \
            else UNCHANGED
    return Plan(rows=parsed, company_id=company.id, memberships=context.memberships, roles=context.roles,
                accounts=context.accounts)


def _values(cells, mapping):
    return {name: cells[index] for name, index in mapping.items() if index is not None and index < len(cells)
            and cells[index]}


class _Context:
    """Everything the rows are checked against, in a few queries whatever the number of rows."""

    def __init__(self, company, rows):
        self.company = company
        addresses = {normalize_email(row.values.get(name, "")) for row in rows for name in ("email", "manager_email")}
        addresses.discard("")
        self.accounts = {}
        for chunk in chunks(sorted(addresses)):
            self.accounts.update((user.email, user) for user in db.session.scalars(
                select(User).where(one_of_values(User.email, chunk))))
        self.groups = _by_name(db.session.execute(select(Group.name, Group.id).where(Group.company_id == company.id)))
        self.roles = _by_name(db.session.execute(
            select(JobRole.name, JobRole.id).where(JobRole.company_id == company.id)))
        own_ids = [user.id for user in self.accounts.values() if user.company_id == company.id]
        self.memberships = {}
        for chunk in chunks(own_ids):
            for user_id, group_id, member_id in db.session.execute(
                    select(GroupMember.user_id, GroupMember.group_id, GroupMember.id)
                    .where(one_of_values(GroupMember.user_id, chunk))):
                self.memberships.setdefault(user_id, {})[group_id] = member_id
        numbers = sorted({row.values["employee_number"] for row in rows if "employee_number" in row.values})
        self.numbers = {}
        for chunk in chunks(numbers):
            self.numbers.update(db.session.execute(select(User.employee_number, User.id).where(
                User.company_id == company.id, one_of_values(User.employee_number, chunk))).all())
        self.file_people = {}  # address → row, for managers who are in the file

    def usable(self, account):
        """An account the company admin may update: their own company's trainee or admin, not restricted."""
        return (account.company_id == self.company.id and account.role in (TRAINEE, COMPANY_ADMIN)
                and not account.is_restricted and not account.is_anonymised)


def chunks(items):
    items = list(items)
    return [items[start:start + BATCH] for start in range(0, len(items), BATCH)]


def one_of_values(column, values):
    """``column IN (values)``; on PostgreSQL ``= ANY(array)``: one parameter instead of one per value, which
    the driver and the server read many times faster for a batch of hundreds."""
    if db.session.get_bind().dialect.name == "postgresql":
        return column == any_(bindparam(None, list(values), type_=ARRAY(column.type)))
    return column.in_(values)


def _by_name(pairs):
    return {fold_for_search(name.strip()): id_ for name, id_ in pairs}


def _check_address(row, context, seen):
    row.email = normalize_email(row.values.get("email", ""))
    if not _is_address(row.email):
        row.errors.append(INVALID_ADDRESS)
        return
    if row.email in seen:
        row.errors.append(DUPLICATE % {"line": seen[row.email]})
        return
    seen[row.email] = row.line
    account = context.accounts.get(row.email)
    if account is not None and not context.usable(account):
        row.errors.append(CANNOT_ADD)
        return
    row.account = account
    row.user_id = account.id if account is not None else None
    context.file_people[row.email] = row


def _is_address(address):
    if not address or len(address) > 254:
        return False
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


def _check_person(row, context, seen_numbers):
    values = row.values
    if row.account is None and not (values.get("first_name") and values.get("last_name")):
        row.errors.append(NAMES_NEEDED)
    for name, limit, label in (("first_name", 100, _l("First name")), ("last_name", 100, _l("Last name")),
                               ("employee_number", 50, _l("Employee number"))):
        if len(values.get(name, "")) > limit:
            row.errors.append(TOO_LONG % {"field": label})
    if "language" in values and parse_language(values["language"]) is None:
        row.errors.append(UNKNOWN_LANGUAGE % {"value": values["language"]})
    if "groups" in values:
        names = split_groups(values["groups"])
        unknown = [name for name in names if fold_for_search(name) not in context.groups]
        if unknown:
            row.errors.append(UNKNOWN_GROUPS % {"names": ", ".join(unknown)})
        row.group_ids = {context.groups[fold_for_search(name)] for name in names if name not in unknown}
    if "job_role" in values and fold_for_search(values["job_role"]) not in context.roles:
        row.errors.append(UNKNOWN_ROLE % {"name": values["job_role"]})
    number = values.get("employee_number")
    if number:
        owner = context.numbers.get(number)
        if number in seen_numbers or (owner is not None and (row.account is None or owner != row.account.id)):
            row.errors.append(NUMBER_TAKEN % {"number": number})
        seen_numbers.setdefault(number, row.line)


def _check_managers(rows, context):
    """A manager is a person of the company or of the file; a file person refused makes their reports refused."""
    for row in rows:
        if "manager_email" in row.values:
            row.manager_email = normalize_email(row.values["manager_email"])
    waiting = [row for row in rows if row.manager_email is not None]
    changed = True
    while changed:  # a refusal may refuse the people that person manages, and theirs
        changed = False
        for row in list(waiting):
            problem = _manager_problem(row, context)
            if problem is not None:
                row.errors.append(problem)
                waiting.remove(row)
                changed = True


def _manager_problem(row, context):
    if row.manager_email == row.email:
        return OWN_MANAGER
    account = context.accounts.get(row.manager_email)
    if account is not None and context.usable(account):
        return None
    in_file = context.file_people.get(row.manager_email)
    if in_file is not None and not in_file.errors:
        return None
    return MANAGER_NOT_FOUND % {"email": row.manager_email}


def _differs(row, context):
    """Fill ``row.changes`` with what an import changes on the existing person; True when anything does."""
    account, values = row.account, row.values
    wanted = {"first_name": values.get("first_name"), "last_name": values.get("last_name"),
              "employee_number": values.get("employee_number"),
              "job_role_id": context.roles.get(row.job_role_key) if row.job_role_key else None}
    row.changes = {name: value for name, value in wanted.items()
                   if value is not None and getattr(account, name) != value}
    if row.manager_email is not None:
        manager = context.accounts.get(row.manager_email)
        if manager is None or manager.id != account.manager_id:
            row.changes["manager_email"] = row.manager_email
    row.groups_changed = row.group_ids is not None and row.group_ids != set(context.memberships.get(account.id, {}))
    return bool(row.changes) or row.groups_changed


def parse_language(text):
    """The language code of "nl", "FR", "nl-BE", "Nederlands", "Französisch", …; None when not one of ours."""
    key = fold_for_search(text.strip()).replace("_", "-")
    names = _language_names()
    return names.get(key) or names.get(key.split("-")[0])


@cache
def _language_names():
    names = {}
    for code, own_name in LANGUAGES.items():
        names[code] = names[fold_for_search(own_name)] = code
        for language in LANGUAGES:
            with force_locale(language):
                names[fold_for_search(str(LANGUAGE_LABELS[code]))] = code
    return names


def open_invitations(company_id, addresses):
    """The open invitations of the company for ``addresses``: address → Invitation."""
    found = {}
    for chunk in chunks(sorted(addresses)):
        found.update((invitation.email, invitation) for invitation in db.session.scalars(
            select(Invitation).where(Invitation.company_id == company_id, one_of_values(Invitation.email, chunk),
                                     Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None))))
    return found
