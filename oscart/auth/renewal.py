"""Two-step secrets that can no longer be decrypted, and the two ways back: set up again, or reset by an admin.

When SECRET_KEY changes without the old key in SECRET_KEY_FALLBACKS, a stored secret loads as ``Undecryptable``:
pages that merely read the row keep working, and the account never falls back to the password alone. Its
owner signs in with a recovery code and then sets two-step up again (``confirm_renewal``); without recovery
codes, a platform admin resets two-step (``reset_two_step``). Each such secret is logged once per process.
"""

import logging

from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, event, update
from sqlalchemy.orm.attributes import set_committed_value

from oscart.accounts.models import User
from oscart.audit.services import record_event
from oscart.auth import twostep
from oscart.auth.models import RecoveryCode
from oscart.core.encryption import Undecryptable
from oscart.core.exceptions import RuleViolation
from oscart.core.extensions import db
from oscart.mail.services import mail_user

log = logging.getLogger(__name__)
START_AGAIN = _l("Your login was not completed in time. Please log in again.")
_reported = set()


def needs_renewal(user):
    """True when two-step is on but its secret can no longer be decrypted: only recovery codes work."""
    return user.has_two_step and isinstance(user.two_step_secret, Undecryptable)


def confirm_renewal(user, secret, code, *, now=None):
    """Replace the unreadable secret by ``secret``, once a code from it proves the app has it; new recovery codes.

    The UPDATE only replaces the very value that could not be read, so two renewals at once cannot both win.
    """
    if not needs_renewal(user):
        raise RuleViolation(START_AGAIN)
    step = twostep.step_for_code(secret, code, now)
    if step is None:
        raise RuleViolation(twostep.INVALID_CODE, "code")
    table = User.__table__
    replaced = db.session.execute(
        update(table)
        .where(table.c.id == user.id, table.c.two_step_secret == user.two_step_secret)
        .values(two_step_secret=secret, two_step_last_step=step)
    ).rowcount
    if not replaced:
        raise RuleViolation(START_AGAIN)
    set_committed_value(user, "two_step_secret", secret)
    set_committed_value(user, "two_step_last_step", step)
    record_event("two_step.renewed", actor=user, subject=user)
    return twostep._new_recovery_codes(user)


def reset_two_step(user, *, actor):
    """A platform admin switches two-step off for ``user`` (recovery codes deleted) and the user is told by mail.

    Returns whether two-step is required for the user, who then sets it up again at the next login.
    """
    if not user.has_two_step and user.two_step_secret is None:
        raise RuleViolation(_l("Two-step authentication is not on for this account."))
    user.two_step_secret = None
    user.two_step_enabled_at = None
    user.two_step_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    required = twostep.is_required(user)
    record_event("two_step.reset", actor=actor, subject=user, required=required)
    mail_user(user, "two_step_reset", _l("Two-step authentication was reset"), required=required)
    return required


@event.listens_for(User, "load")
def _loaded(user, context):
    _report(user)


@event.listens_for(User, "refresh")
def _refreshed(user, context, attributes):
    _report(user)


def _report(user):
    secret = user.__dict__.get("two_step_secret")
    if isinstance(secret, Undecryptable) and secret.token not in _reported:
        _reported.add(secret.token)  # once per stored value and process, not on every request
        log.warning("The two-step secret of user %s cannot be decrypted with SECRET_KEY or SECRET_KEY_FALLBACKS; "
                    "the user can sign in with a recovery code and set two-step up again, or an admin can reset "
                    "it.", user.id)
