"""Profile photos: decoded by Pillow, cropped square, re-encoded without metadata, kept in the database."""

import io
import re
import warnings

from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError
from sqlalchemy import select

from oscart.accounts.models import User
from oscart.audit.services import record_event
from oscart.database import utcnow
from oscart.exceptions import NotFound, RuleViolation
from oscart.extensions import db
from oscart.security import PLATFORM_ADMIN, TRAINER

ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}
MAX_PIXELS = 40_000_000  # a 5 MB upload never legitimately needs more; larger is a decompression bomb
SIZE = 256
# Markup anywhere in the file makes it a polyglot that a browser could read as a page or a script.
MARKUP_RE = re.compile(rb"<\s*(?:html|script|svg|body|iframe|\?xml|!doctype)", re.IGNORECASE)
NOT_AN_IMAGE = _l("This file is not a JPEG, PNG or WebP photo.")


def set_photo(user, data, *, max_bytes):
    """Replace ``user``'s photo with a 256×256 JPEG made from ``data`` (the uploaded bytes)."""
    if len(data) > max_bytes:
        raise RuleViolation(_l("The photo is larger than %(size)s MB.", size=max_bytes // (1024 * 1024)), "photo")
    if MARKUP_RE.search(data):
        raise RuleViolation(NOT_AN_IMAGE, "photo")
    user.photo = _reencode(data)
    user.photo_mime = "image/jpeg"
    user.photo_updated_at = utcnow()
    record_event("photo.changed", actor=user, subject=user)
    return user


def _reencode(data):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in ACCEPTED_FORMATS:
                raise RuleViolation(NOT_AN_IMAGE, "photo")
            if image.width * image.height > MAX_PIXELS:
                raise RuleViolation(_l("This image has too many pixels."), "photo")
            image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError,
            Image.DecompressionBombWarning):
        raise RuleViolation(NOT_AN_IMAGE, "photo") from None
    image = ImageOps.exif_transpose(image)  # keep the photo upright once its orientation tag is gone
    square = ImageOps.fit(image.convert("RGB"), (SIZE, SIZE), method=Image.Resampling.LANCZOS)
    out = io.BytesIO()
    square.save(out, "JPEG", quality=85, optimize=True)  # a fresh file: no EXIF, GPS, ICC or comments
    return out.getvalue()


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
