"""Invitations: a company admin invites people by e-mail; the link opens a trainee account in that company.

Whether an address belongs to an account elsewhere is never told: such an address is "could not be invited",
like every other address that cannot be, and nothing is stored or mailed for it.
"""

import re
import secrets
from dataclasses import dataclass, field
from datetime import timedelta

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_ngettext
from sqlalchemy import exc, select, update

from oscart.accounts.models import User
from oscart.accounts.services import check_new_password, set_password
from oscart.audit.services import record_event
from oscart.companies.models import Invitation
from oscart.companies.services import get_own_company
from oscart.core.database import utcnow
from oscart.core.exceptions import NotFound, RuleViolation
from oscart.core.extensions import db
from oscart.core.i18n import is_language
from oscart.core.locking import claim, lock
from oscart.core.security import TRAINEE, normalize_email, token_digest
from oscart.core.urls import external_url
from oscart.mail.services import queue_mail

VALID_DAYS = 14
MAX_ADDRESSES = 100

EXPIRED = "expired"
USED = "used"
INVALID = "invalid"

# "Name <address>" as mail programs copy it: the address alone.
_NAMED = re.compile(r"[^,;\n<>]*<([^<>]*)>")
_SEPARATORS = re.compile(r"[,;\s]+")


@dataclass
class InviteOutcome:
    sent: list = field(default_factory=list)
    members: list = field(default_factory=list)  # already have an account in the admin's own company
    pending: list = field(default_factory=list)  # already invited, not yet expired
    refused: list = field(default_factory=list)  # cannot be invited; never says why


def parse_addresses(text):
    """Distinct normalised addresses in the order pasted, or RuleViolation naming the malformed ones."""
    addresses, malformed = [], []
    for piece in _SEPARATORS.split(_NAMED.sub(r" \1 ", text or "")):
        address = normalize_email(piece)
        if not address or address in addresses or piece in malformed:
            continue
        if _is_valid(address):
            addresses.append(address)
        else:
            malformed.append(piece)
    if malformed:
        raise RuleViolation(lazy_ngettext("This address is not valid: %(addresses)s",
                                          "These addresses are not valid: %(addresses)s",
                                          len(malformed), addresses=", ".join(malformed)), "addresses")
    if not addresses:
        raise RuleViolation(_l("Please fill in this field."), "addresses")
    if len(addresses) > MAX_ADDRESSES:
        raise RuleViolation(lazy_ngettext("Invite at most %(num)d address at a time.",
                                          "Invite at most %(num)d addresses at a time.", MAX_ADDRESSES), "addresses")
    return addresses


def _is_valid(address):
    if len(address) > 254:
        return False
    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


def invite_people(actor, *, text, language, now=None):
    """Invite every address in ``text`` to the actor's company; an InviteOutcome says what became of each."""
    if not is_language(language):
        raise RuleViolation(_l("Choose one of the offered languages."), "language")
    addresses = parse_addresses(text)
    company = get_own_company(actor)
    lock(company)  # two admins inviting the same address at once make one invitation
    now = now or utcnow()
    accounts = {user.email: user for user in db.session.scalars(select(User).where(User.email.in_(addresses)))}
    open_ones = {invitation.email: invitation for invitation in db.session.scalars(
        select(Invitation).where(Invitation.company_id == company.id, Invitation.email.in_(addresses),
                                 Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None)))}
    outcome, sent = InviteOutcome(), []
    for address in addresses:
        account, invitation = accounts.get(address), open_ones.get(address)
        if account is not None and not awaits_invitation(account, company.id):
            own = account.company_id == company.id and not (account.is_restricted or account.is_anonymised)
            (outcome.members if own else outcome.refused).append(address)
        elif invitation is not None and invitation.expires_at > now:
            outcome.pending.append(address)
        else:
            sent.append(send_invitation(company, address, language, actor=actor, now=now, invitation=invitation))
            outcome.sent.append(address)
    db.session.flush()
    for invitation in sent:
        record_event("invitation.sent", actor=actor, company_id=company.id, target=f"invitation:{invitation.id}",
                     language=language)
    return outcome


def awaits_invitation(account, company_id):
    """Whether ``account`` was made in the company (by an import) and has never been opened: no password yet."""
    return (account.company_id == company_id and account.password_hash is None and account.is_active
            and account.role == TRAINEE and not (account.is_restricted or account.is_anonymised))


def send_invitation(company, address, language, *, actor, now, invitation=None):
    """Mail ``address`` a new link valid VALID_DAYS: a new invitation, or ``invitation`` (open) renewed."""
    if invitation is None:
        invitation = Invitation(company_id=company.id, email=address, created_at=now)
        db.session.add(invitation)
    invitation.language, invitation.invited_by_id = language, actor.id
    token = secrets.token_urlsafe(32)
    invitation.token_hash, invitation.expires_at = token_digest(token), now + timedelta(days=VALID_DAYS)
    _mail(invitation, company, actor, token)
    return invitation


def _mail(invitation, company, actor, token):
    queue_mail("invitation", to=invitation.email, language=invitation.language,
               subject=_l("You are invited to the Oscart training portal"), company_name=company.name,
               inviter=actor.full_name, link=invitation_url(token), days=VALID_DAYS)


def invitation_url(token):
    return external_url("companies.accept_invitation", token=token)


def list_invitations(actor):
    """Rows of the actor's company's open invitations (pending and expired), the newest first."""
    return (
        select(Invitation.id, Invitation.email, Invitation.language, Invitation.expires_at,
               Invitation.created_at, User.first_name.label("inviter_first_name"),
               User.last_name.label("inviter_last_name"))
        .outerjoin(User, User.id == Invitation.invited_by_id)
        .where(Invitation.company_id == actor.company_id, Invitation.accepted_at.is_(None),
               Invitation.revoked_at.is_(None))
        .order_by(Invitation.created_at.desc(), Invitation.id.desc())
    )


def get_invitation(actor, invitation_id):
    """An invitation of the actor's company; another company's id is NotFound, like a missing one."""
    invitation = db.session.scalar(select(Invitation).where(Invitation.id == invitation_id,
                                                            Invitation.company_id == actor.company_id))
    if invitation is None:
        raise NotFound()
    return invitation


NOT_OPEN = _l("This invitation has already been accepted or withdrawn.")


def resend_invitation(invitation, *, actor, now=None):
    """A new link valid another VALID_DAYS; the old link stops working."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    if not claim(update(Invitation).where(Invitation.id == invitation.id, Invitation.accepted_at.is_(None),
                                          Invitation.revoked_at.is_(None))
                 .values(token_hash=token_digest(token), expires_at=now + timedelta(days=VALID_DAYS),
                         invited_by_id=actor.id)):
        raise RuleViolation(NOT_OPEN)
    db.session.refresh(invitation)
    _mail(invitation, get_own_company(actor), actor, token)
    record_event("invitation.resent", actor=actor, company_id=invitation.company_id,
                 target=f"invitation:{invitation.id}")
    return invitation


def revoke_invitation(invitation, *, actor, now=None):
    if not claim(update(Invitation).where(Invitation.id == invitation.id, Invitation.accepted_at.is_(None),
                                          Invitation.revoked_at.is_(None))
                 .values(revoked_at=now or utcnow())):
        raise RuleViolation(NOT_OPEN)
    record_event("invitation.revoked", actor=actor, company_id=invitation.company_id,
                 target=f"invitation:{invitation.id}")
    return invitation


def invitation_for_token(token, *, now=None):
    """The open, unexpired invitation of ``token``; else RuleViolation whose field is EXPIRED, USED or INVALID."""
    invitation = None
    if isinstance(token, str) and 20 <= len(token) <= 100:
        invitation = db.session.scalar(select(Invitation).where(Invitation.token_hash == token_digest(token)))
    if invitation is None or invitation.revoked_at is not None:
        raise RuleViolation(INVALID_LINK_TEXTS[INVALID], INVALID)
    if invitation.accepted_at is not None:
        raise RuleViolation(INVALID_LINK_TEXTS[USED], USED)
    if invitation.expires_at <= (now or utcnow()):
        raise RuleViolation(INVALID_LINK_TEXTS[EXPIRED], EXPIRED)
    return invitation


INVALID_LINK_TEXTS = {
    INVALID: _l("This invitation link is not valid. It may have been withdrawn or replaced by a newer one."),
    USED: _l("This invitation has already been accepted. You can log in with your e-mail address and password."),
    EXPIRED: _l("This invitation has expired. Ask your company's administrator to send it again."),
}


def accept_invitation(token, *, first_name, last_name, password, language, now=None):
    """Create the trainee account the invitation offers; the link works once, even when used twice at once."""
    now = now or utcnow()
    invitation = invitation_for_token(token, now=now)
    if not is_language(language):
        raise RuleViolation(_l("Choose one of the offered languages."), "language")
    check_new_password(password)  # before the link is used up
    if not claim(update(Invitation).where(Invitation.id == invitation.id, Invitation.accepted_at.is_(None),
                                          Invitation.revoked_at.is_(None), Invitation.expires_at > now)
                 .values(accepted_at=now)):
        raise RuleViolation(INVALID_LINK_TEXTS[USED], USED)
    user = _imported_account(invitation)
    if user is not None:
        user.first_name, user.last_name, user.language = first_name.strip(), last_name.strip(), language
    else:
        user = User(email=invitation.email, first_name=first_name.strip(), last_name=last_name.strip(),
                    language=language, role=TRAINEE, company_id=invitation.company_id)
        try:
            with db.session.begin_nested():
                db.session.add(user)
                db.session.flush()
        except exc.IntegrityError:
            # The address got an account meanwhile (another company's invitation, or an administrator).
            raise RuleViolation(INVALID_LINK_TEXTS[INVALID], INVALID) from None
    set_password(user, password)
    db.session.execute(update(Invitation).where(Invitation.id == invitation.id)
                       .values(accepted_user_id=user.id).execution_options(synchronize_session=False))
    record_event("invitation.accepted", actor=user, subject=user, target=f"invitation:{invitation.id}")
    return user


def _imported_account(invitation):
    """The account an import made for the invitation's address in its company, still without a password."""
    user = db.session.scalar(select(User).where(User.email == invitation.email,
                                                User.company_id == invitation.company_id))
    return user if user is not None and awaits_invitation(user, invitation.company_id) else None
