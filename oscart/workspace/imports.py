"""Importing a company's people from a file: keep the upload, choose its columns, preview, then import.

The upload is kept (rows as text) for the admin who sent it until the import is done, and at most a day. The
import is checked again when confirmed, against the company as it is then: a preview that no longer matches is
shown again instead of being imported, and a second confirmation of a done import changes nothing.
New people become trainees of the company without a password; with "invite now" each gets the invitation mail
in their language (so do earlier imported people who never got a link); otherwise the admin invites them later.
"""

from datetime import timedelta

from sqlalchemy import delete, exists, func, insert, select, update

from oscart.accounts.models import User
from oscart.audit.services import record_event, record_events
from oscart.companies import invitations
from oscart.companies.models import GroupMember, Invitation
from oscart.companies.services import get_own_company
from oscart.core.database import utcnow
from oscart.core.exceptions import NotFound, RuleViolation
from oscart.core.extensions import db
from oscart.core.locking import claim, lock
from oscart.core.security import TRAINEE
from oscart.core.signals import people_changed
from oscart.workspace import import_plan
from oscart.workspace.import_columns import FIELDS, guess_mapping
from oscart.workspace.import_files import read_people_file
from oscart.workspace.import_models import PeopleImport
from oscart.workspace.import_plan import NEW, REFUSED, UNCHANGED, UPDATED, chunks, parse_language, plan_import

KEPT_FOR = timedelta(days=1)
STALE = "stale"


def upload_people_file(actor, *, filename, data, now=None):
    """Read the file and keep it for ``actor``; RuleViolation (field "file") when it cannot be read."""
    header, rows = read_people_file(filename or "", data)
    purge_imports(now=now)
    upload = PeopleImport(company_id=actor.company_id, admin_id=actor.id, filename=(filename or "")[-255:],
                          header=header, rows=rows, mapping=guess_mapping(header), created_at=now or utcnow())
    db.session.add(upload)
    db.session.flush()
    return upload


def get_import(actor, import_id, *, now=None):
    """The actor's own upload of less than a day ago; anyone else's (or an older one) is NotFound."""
    upload = db.session.get(PeopleImport, import_id)
    if (upload is None or upload.admin_id != actor.id or upload.company_id != actor.company_id
            or upload.created_at <= (now or utcnow()) - KEPT_FOR):
        raise NotFound()
    return upload


def purge_imports(*, now=None):
    """Forget uploads older than a day (the file's rows hold personal data)."""
    return db.session.execute(delete(PeopleImport).where(
        PeopleImport.created_at <= (now or utcnow()) - KEPT_FOR)).rowcount


def choose_columns(upload, *, mapping, invite_now):
    """Keep the columns the admin chose (field → column index or None) and whether to invite now."""
    chosen = {name: index for name, index in mapping.items()
              if name in FIELDS and index is not None and 0 <= index < len(upload.header)}
    if "email" not in chosen:
        raise RuleViolation(import_plan.EMAIL_COLUMN_NEEDED, "email")
    if len(set(chosen.values())) < len(chosen):
        raise RuleViolation(import_plan.COLUMN_TWICE, "email")
    upload.mapping, upload.invite_now = chosen, bool(invite_now)


def preview_import(upload, actor):
    return plan_import(get_own_company(actor), upload.header, upload.rows, upload.mapping or {})


def confirm_import(upload, *, actor, digest, now=None):
    """Import the upload as previewed (``digest``); RuleViolation(STALE) when the preview no longer holds.

    Returns the counts; a second confirmation of the same upload returns the first one's counts.
    """
    now = now or utcnow()
    company = get_own_company(actor)
    lock(company)  # two confirmations, or two admins, import one after the other
    if not claim(update(PeopleImport).where(PeopleImport.id == upload.id, PeopleImport.completed_at.is_(None))
                 .values(completed_at=now)):
        db.session.refresh(upload)
        return upload.result
    plan = plan_import(company, upload.header, upload.rows, upload.mapping or {})
    if plan.digest != digest:
        raise RuleViolation(import_plan.PREVIEW_STALE, STALE)
    return import_plan_rows(upload, plan, company=company, actor=actor, now=now)


def import_plan_rows(upload, plan, *, company, actor, now, step=None, everyone=False):
    """Write what ``plan`` says, store the counts on the upload and return them. ``step(part)``, when given, is
    told how far it is (0 to 1) between the writes (a bulk job commits there); ``everyone``: the rules follow
    up on every person of the file, not only on those this run created or changed (a job run again after a
    failure, whose first run may have created people)."""
    step = step or (lambda part: None)
    created = _create_people(plan, company)
    step(.4)
    changed = _update_people(plan)
    changed |= _set_groups(plan)
    _set_managers(plan, created)
    step(.6)
    invited = _invite(plan, company, actor, now) if upload.invite_now else 0
    db.session.flush()
    step(.8)
    followed = set(created.values()) | changed
    if everyone:
        followed |= {row.user_id for row in plan.rows if row.user_id is not None}
    if followed:
        people_changed.send(company.id, user_ids=sorted(followed), actor=actor)
    result = {**plan.counts, "invited": invited}
    db.session.execute(update(PeopleImport).where(PeopleImport.id == upload.id)
                       .values(result=result, rows=[], completed_at=upload.completed_at or now))
    record_event("people.imported", actor=actor, company_id=company.id, target=f"import:{upload.id}", **result)
    db.session.refresh(upload)
    return result


def _create_people(plan, company):
    """Insert the new people in batches; address → new user id."""
    people = [{"email": row.email, "first_name": row.values["first_name"], "last_name": row.values["last_name"],
               "language": parse_language(row.values.get("language", "")) or company.default_language,
               "role": TRAINEE, "company_id": company.id, "employee_number": row.values.get("employee_number"),
               "job_role_id": plan.roles.get(row.job_role_key) if row.job_role_key else None,
               "password_hash": None, "is_active": True, "created_at": utcnow(), "updated_at": utcnow()}
              for row in plan.rows if row.status == NEW]
    created = {}
    for batch in chunks(people):
        created.update((email, id_) for id_, email in db.session.execute(
            insert(User).returning(User.id, User.email), batch))
    for row in plan.rows:
        if row.status == NEW:
            row.user_id = created[row.email]
    return created


def _update_people(plan):
    """Write the changed names, numbers and job roles; the ids of people whose job role changed."""
    changes = [{"id": row.account.id, **{name: value for name, value in row.changes.items() if name in _COLUMNS}}
               for row in plan.rows if row.status == UPDATED]
    changes = [change for change in changes if len(change) > 1]
    for batch in chunks(changes):
        db.session.execute(update(User), batch)
    return {change["id"] for change in changes if "job_role_id" in change}


_COLUMNS = ("first_name", "last_name", "employee_number", "job_role_id")


def _set_groups(plan):
    """Make each person's groups the ones the file names; the ids of people whose groups changed."""
    added, removed, changed = [], [], set()
    now = utcnow()
    for row in plan.rows:
        if row.status in (REFUSED, UNCHANGED) or row.group_ids is None:
            continue
        current = plan.memberships.get(row.user_id, {})
        added += [{"group_id": group_id, "user_id": row.user_id, "added_at": now}
                  for group_id in row.group_ids - set(current)]
        removed += [member_id for group_id, member_id in current.items() if group_id not in row.group_ids]
        if row.group_ids != set(current):
            changed.add(row.user_id)
    for batch in chunks(added):
        db.session.execute(insert(GroupMember), batch)
    for batch in chunks(removed):
        db.session.execute(delete(GroupMember).where(import_plan.one_of_values(GroupMember.id, batch)))
    return changed


def _set_managers(plan, created):
    known = {row.email: row.user_id for row in plan.rows if row.user_id is not None}
    changes = []
    for row in plan.rows:
        if (row.status == NEW and row.manager_email is not None) or "manager_email" in row.changes:
            manager_id = known.get(row.manager_email) or created.get(row.manager_email) \
                or plan.accounts[row.manager_email].id
            changes.append({"id": row.user_id, "manager_id": manager_id})
    for batch in chunks(changes):
        db.session.execute(update(User), batch)


def _invite(plan, company, actor, now):
    """Invite the new people, and those of the file imported earlier who never got a link that still works."""
    people = [(row.email, parse_language(row.values.get("language", "")) or company.default_language)
              for row in plan.rows if row.status == NEW]
    people += [(row.email, row.account.language) for row in plan.rows
               if row.status in (UPDATED, UNCHANGED) and invitations.awaits_invitation(row.account, company.id)]
    return send_invitations(company, people, actor=actor, now=now)


def send_invitations(company, people, *, actor, now):
    """Mail each (address, language) of ``people`` an invitation, unless a valid one is open; how many were sent."""
    open_ones = import_plan.open_invitations(company.id, [address for address, _ in people])
    sent = []
    with db.session.no_autoflush:  # one flush for all, in batches, instead of one per mail rendered
        for address, language in people:
            invitation = open_ones.get(address)
            if invitation is None or invitation.expires_at <= now:
                sent.append(invitations.send_invitation(company, address, language, actor=actor, now=now,
                                                        invitation=invitation))
    db.session.flush()
    record_events([{"action": "invitation.sent", "actor_id": actor.id, "company_id": company.id,
                    "target": f"invitation:{invitation.id}", "details": {"language": invitation.language}}
                   for invitation in sent])
    return len(sent)


def _waiting(company_id, now):
    """The company's people an import made who have no password and no invitation that still works."""
    works = exists().where(Invitation.company_id == company_id, Invitation.email == User.email,
                           Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None),
                           Invitation.expires_at > now)
    return select(User.email, User.language).where(
        User.company_id == company_id, User.password_hash.is_(None), User.is_active, User.role == TRAINEE,
        User.is_restricted.is_(False), User.is_anonymised.is_(False), ~works)


def count_waiting(actor, *, now=None):
    return db.session.scalar(select(func.count()).select_from(_waiting(actor.company_id, now or utcnow())
                                                              .subquery()))


def invite_waiting(actor, *, now=None):
    """Invite every person an import made without an invitation (the "invite later" of an import)."""
    now = now or utcnow()
    company = get_own_company(actor)
    lock(company)
    return send_invitations(company, db.session.execute(_waiting(company.id, now)).all(), actor=actor, now=now)
