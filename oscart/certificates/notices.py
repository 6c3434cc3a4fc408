"""Telling holders that a certificate was issued to them: in their language, with a link to download it."""

from flask_babel import lazy_gettext as _l

from oscart.core.urls import external_url
from oscart.mail.services import mail_user


def mail_issued(certificate, holder, *, replaces=None):
    """Queue the "certificate issued" mail; ``replaces``: the code of the certificate a re-issue supersedes.

    People who may not be contacted (deactivated, restricted, erased) get none; the certificate is on their
    "My certificates" page all the same.
    """
    if not holder.is_active or holder.is_restricted or holder.is_anonymised:
        return None
    return mail_user(holder, "certificate_issued", _l("Your certificate has been issued"), certificate=certificate,
                     replaces=replaces, link=external_url("certificates.download", certificate_id=certificate.id))
