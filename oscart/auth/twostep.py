"""Two-step authentication with time-based codes (TOTP, RFC 6238) and one-time recovery codes."""

import hashlib
import hmac
import re
import secrets

import pyotp
import segno
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select, update
from sqlalchemy.orm.attributes import set_committed_value

from oscart.accounts.models import User
from oscart.audit.services import record_event
from oscart.auth.attempts import check_password_attempt
from oscart.auth.models import RecoveryCode
from oscart.companies.models import Company
from oscart.core.database import utcnow
from oscart.core.exceptions import RuleViolation
from oscart.core.extensions import db
from oscart.core.locking import claim
from oscart.core.security import COMPANY_ADMIN
from oscart.mail.services import mail_user

ISSUER = "Oscart"
STEP_SECONDS = 30
WINDOW = 1  # one time step before and after the current one, for phones whose clock is a little off
RECOVERY_CODE_COUNT = 10
INVALID_CODE = _l("This code is not correct, or it has already been used. Please try the next code.")
TOTP_RE = re.compile(r"\d{6}")


def is_required(user):
    """True when the company policy (or, for platform admins, the configuration) demands two-step login."""
    if user.is_platform_admin:
        return bool(current_app.config["TWO_STEP_REQUIRED_FOR_PLATFORM_ADMINS"])
    if user.company_id is None:
        return False
    policy = db.session.scalar(select(Company.two_step_policy).where(Company.id == user.company_id))
    return policy == "all" or (policy == "admins" and user.role == COMPANY_ADMIN)


# --- Enrolment ---------------------------------------------------------------------------------------

def begin_enrolment(user):
    """Give ``user`` a new secret to scan; two-step login starts only once a code confirms it."""
    if user.has_two_step:
        raise RuleViolation(_l("Two-step authentication is already on."))
    user.two_step_secret = new_secret()
    user.two_step_last_step = None
    return user.two_step_secret


def new_secret():
    return pyotp.random_base32()


def start_enrolment(user, *, password, ip):
    """``begin_enrolment`` from the security page, once the signed-in user has confirmed the password."""
    check_password_attempt(user, password, ip=ip, purpose="two_step_enable")
    return begin_enrolment(user)


def provisioning_uri(user, secret=None):
    return pyotp.TOTP(secret or user.two_step_secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_svg(user, secret=None):
    """The provisioning URI (of ``secret``, by default the user's) as an inline SVG QR code (no script or style)."""
    return segno.make(provisioning_uri(user, secret), error="m").svg_inline(scale=5, border=2)


def formatted_secret(secret):
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def confirm_enrolment(user, code, *, now=None):
    """Switch two-step login on after a first correct code; return the new recovery codes."""
    if user.has_two_step or not user.two_step_secret:
        raise RuleViolation(_l("Start again from the security page."))
    if not check_totp(user, code, now=now):
        raise RuleViolation(INVALID_CODE, "code")
    user.two_step_enabled_at = now or utcnow()
    record_event("two_step.enabled", actor=user, subject=user)
    return _new_recovery_codes(user)


def disable(user, *, password, code, ip):
    """Switch two-step login off; needs the password and a current code, and tells the user by mail."""
    if not user.has_two_step:
        raise RuleViolation(_l("Two-step authentication is not on."))
    check_password_attempt(user, password, ip=ip, purpose="two_step_disable")
    if not verify_second_factor(user, code):
        raise RuleViolation(INVALID_CODE, "code")
    user.two_step_secret = None
    user.two_step_enabled_at = None
    user.two_step_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    record_event("two_step.disabled", actor=user, subject=user)
    mail_user(user, "two_step_disabled", _l("Two-step authentication was turned off"))


def regenerate_recovery_codes(user, *, password, ip):
    if not user.has_two_step:
        raise RuleViolation(_l("Two-step authentication is not on."))
    check_password_attempt(user, password, ip=ip, purpose="recovery_codes")
    record_event("two_step.recovery_codes_renewed", actor=user, subject=user)
    return _new_recovery_codes(user)


# --- Checking codes ----------------------------------------------------------------------------------

def check_totp(user, code, *, now=None):
    """Accept a code of the current time step (±1) once; a reused or older code is refused and audited.

    The last used step moves with a conditional UPDATE (``claim``), so two requests racing with one code cannot
    both succeed.
    """
    # A secret that can no longer be decrypted is false like a missing one: no code matches it.
    step = step_for_code(user.two_step_secret, code, now)
    if step is None:
        return False
    table = User.__table__
    moved = claim(
        update(table)
        .where(table.c.id == user.id)
        .where((table.c.two_step_last_step.is_(None)) | (table.c.two_step_last_step < step))
        .values(two_step_last_step=step)
    )
    if not moved:
        record_event("two_step.replay_refused", subject=user, step=step)
        return False
    set_committed_value(user, "two_step_last_step", step)
    return True


def step_for_code(secret, code, now=None):
    """The time step (current ±WINDOW) whose code for ``secret`` is ``code`` (spaces ignored), or None."""
    code = re.sub(r"\s", "", code or "")
    if not secret or not TOTP_RE.fullmatch(code):
        return None
    return _matching_step(secret, code, now or utcnow())


def _matching_step(secret, code, now):
    totp = pyotp.TOTP(secret, interval=STEP_SECONDS)
    current = int(now.timestamp()) // STEP_SECONDS
    for step in range(current - WINDOW, current + WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def use_recovery_code(user, code):
    digest = _recovery_digest(code)
    used = claim(
        update(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.code_hash == digest, RecoveryCode.used_at.is_(None))
        .values(used_at=utcnow())
    )
    if used:
        record_event("two_step.recovery_code_used", actor=user, subject=user)
    return used


def verify_second_factor(user, code, *, now=None):
    """A current code or an unused recovery code; wrong attempts are audited."""
    if check_totp(user, code, now=now) or use_recovery_code(user, code):
        return True
    record_event("two_step.failed", subject=user)
    return False


def remaining_recovery_codes(user):
    return db.session.scalar(
        select(db.func.count(RecoveryCode.id)).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    )


def _new_recovery_codes(user):
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(alphabet) for _ in range(16))  # about 78 bits each
        codes.append("-".join(raw[i:i + 4] for i in range(0, 16, 4)))
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=_recovery_digest(code)) for code in codes)
    return codes


def _recovery_digest(code):
    # High-entropy random codes: a plain SHA-256 is enough (no password-style stretching needed).
    normalised = re.sub(r"[^a-z0-9]", "", (code or "").lower())
    return hashlib.sha256(normalised.encode()).hexdigest()
