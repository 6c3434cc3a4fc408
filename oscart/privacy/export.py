"""The personal data archive: re-authentication, then a ZIP with JSON, a readable summary and files."""

import io
import json
import zipfile

from flask import render_template
from flask_babel import lazy_gettext as _l

from oscart.audit.services import record_event
from oscart.auth.attempts import check_password_attempt
from oscart.auth.twostep import verify_second_factor
from oscart.core import personal_data as registry
from oscart.core.database import utcnow
from oscart.core.exceptions import RuleViolation
from oscart.core.i18n import force_locale
from oscart.privacy.summary import sections as summary_sections

WRONG_CREDENTIALS = _l("The password or the code is not correct.")

# The two-step feature sets this to ``func(user, code) -> bool``; without it a two-step user cannot export.
def needs_code(user):
    return user.has_two_step


def reauthenticate(user, *, password, ip, code=None):
    """Raise RuleViolation unless the password (and the two-step code, when on) are the user's."""
    try:
        check_password_attempt(user, password, ip=ip, purpose="data_export")
    except RuleViolation:
        record_event("privacy.export_refused", actor=user, subject=user, reason="password")
        raise
    if needs_code(user) and not verify_second_factor(user, code or ""):
        record_event("privacy.export_refused", actor=user, subject=user, reason="code")
        raise RuleViolation(WRONG_CREDENTIALS, "code")


def build_archive(user, *, actor):
    """The ZIP's bytes; only ever for ``actor`` themselves."""
    if actor.id != user.id:
        raise RuleViolation(_l("Only the person themselves can download their data."))
    data, files = registry.export_user(user)
    generated_at = utcnow()
    document = {"generated_at": generated_at.isoformat(), "controller": "Oscart Group NV", "data": data}
    with force_locale(user.language):
        summary = render_template("privacy/archive_summary.html",
                                  sections=summary_sections(data, registry.categories()),
                                  generated_at=generated_at, user=user, files=[name for name, _ in files])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("data.json", json.dumps(document, ensure_ascii=False, indent=2, default=str))
        archive.writestr("summary.html", summary)
        for name, content in files:
            archive.writestr(f"files/{name}", content)
    record_event("privacy.exported", actor=actor, subject=user, categories=sorted(data), files=len(files))
    return buffer.getvalue()


def archive_filename(user):
    return f"oscart-my-data-{utcnow():%Y%m%d}.zip"
