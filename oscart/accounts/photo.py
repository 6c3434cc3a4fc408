"""Profile photos: decoded by Pillow, cropped square, re-encoded without metadata, kept in the database."""

import re

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from oscart.accounts.models import User
from oscart.audit.services import record_event
from oscart.core.database import utcnow
from oscart.core.exceptions import NotFound, RuleViolation
from oscart.core.extensions import db
from oscart.core.images import ImageRules, take_in_image
from oscart.core.security import PLATFORM_ADMIN, TRAINER

SIZE = 256
# Markup anywhere in the file makes it a polyglot that a browser could read as a page or a script.
MARKUP_RE = re.compile(rb"<\s*(?:html|script|svg|body|iframe|\?xml|!doctype)", re.IGNORECASE)
NOT_AN_IMAGE = _l("This file is not a JPEG, PNG or WebP photo.")
# A phone photo of 40 megapixels passes; a square crop of anything narrower than 1:4 would show little.
PHOTO_RULES = ImageRules(formats=("JPEG", "PNG", "WEBP"), refused=NOT_AN_IMAGE, max_side=10_000,
                         max_pixels=40_000_000, max_aspect=4)


def set_photo(user, data, *, max_bytes):
    """Replace ``user``'s photo with a 256×256 JPEG made from ``data`` (the uploaded bytes)."""
    if len(data) > max_bytes:
        raise RuleViolation(_l("The photo is larger than %(size)s MB.", size=max_bytes // (1024 * 1024)), "photo")
    if MARKUP_RE.search(data):
        raise RuleViolation(NOT_AN_IMAGE, "photo")
    user.photo = take_in_image(data, PHOTO_RULES, field="photo", crop_to=(SIZE, SIZE), output="JPEG").data
    user.photo_mime = "image/jpeg"
    user.photo_updated_at = utcnow()
    record_event("photo.changed", actor=user, subject=user)
    return user


def remove_photo(user):
    if user.has_photo:
        user.photo = None
        user.photo_mime = None
        user.photo_updated_at = None
        record_event("photo.removed", actor=user, subject=user)
    return user


def get_photo(viewer, user_id):
    """(bytes, mime, updated_at) of a photo ``viewer`` may see: own company, or Oscart staff.

    Someone else's company, or no photo, is NotFound.
    """
    query = select(User.photo, User.photo_mime, User.photo_updated_at, User.company_id).where(
        User.id == user_id, User.photo_updated_at.is_not(None)
    )
    row = db.session.execute(query).first()
    staff = viewer.company_id is None and viewer.role in (TRAINER, PLATFORM_ADMIN)
    colleague = viewer.company_id is not None and row is not None and row.company_id == viewer.company_id
    if row is None or not (staff or colleague or user_id == viewer.id):
        raise NotFound()
    return row.photo, row.photo_mime, row.photo_updated_at
