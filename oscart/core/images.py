"""Intake of every uploaded image: refused on its header's numbers before a pixel is decoded, then decoded,
turned upright and written as a fresh file (no EXIF, GPS, ICC profile or comments).

Decoding costs time and memory in proportion to the pixels, and for PNG also to the rows: a 75 KB PNG of
1 × 39,000,000 pixels keeps a worker busy for seconds. Width, height, pixel count and shape are in the
header, so they are checked on the lazily opened file, and ``load()`` runs only for an image that passes.
"""

import io
import warnings
from dataclasses import dataclass

from flask_babel import format_decimal
from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from oscart.core.exceptions import RuleViolation

# Everything Pillow raises on a malformed, truncated or hostile file.
DECODE_ERRORS = (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, Image.DecompressionBombError,
                 Image.DecompressionBombWarning)


@dataclass(frozen=True)
class ImageRules:
    """What one kind of upload accepts. ``refused`` is the (lazy) message for a file of another format."""

    formats: tuple[str, ...]  # Pillow format names; no other decoder even looks at the file
    refused: str
    max_side: int = 10_000
    max_pixels: int = 24_000_000
    max_aspect: float = 20.0  # longer side ÷ shorter side


@dataclass(frozen=True)
class StoredImage:
    data: bytes
    content_type: str
    width: int
    height: int


def take_in_image(data, rules, *, field, crop_to=None, fit_within=None, output=None):
    """Check ``data`` against ``rules``, decode it, and re-encode it; raises RuleViolation on ``field``.

    ``crop_to=(w, h)`` crops to exactly that size, ``fit_within=(w, h)`` only shrinks. ``output`` is "JPEG",
    or None to keep a JPEG a JPEG and write everything else as PNG (transparency kept).
    """
    image = _open(data, rules, field)
    check_dimensions(image.width, image.height, rules, field)
    target = crop_to or fit_within
    if target and image.format == "JPEG":
        image.draft("RGB", target)  # decode at 1/2, 1/4 or 1/8 scale when that still covers the target
    try:
        image.load()
        source_format = image.format
        image = ImageOps.exif_transpose(image)  # keep the picture upright once its orientation tag is gone
        if crop_to:
            image = ImageOps.fit(image.convert("RGB"), crop_to, method=Image.Resampling.LANCZOS)
        elif fit_within:
            image.thumbnail(fit_within)
        return _encode(image, output or ("JPEG" if source_format == "JPEG" else "PNG"))
    except DECODE_ERRORS:
        raise RuleViolation(rules.refused, field) from None


def check_dimensions(width, height, rules, field):
    """Refuse sizes and shapes that are expensive to decode (or useless to show), from the header's numbers."""
    if max(width, height) > rules.max_side or width * height > rules.max_pixels:
        raise RuleViolation(too_many_pixels(rules), field)
    if min(width, height) < 1 or max(width, height) > rules.max_aspect * min(width, height):
        raise RuleViolation(_("This image is too long and narrow: its long side may be at most %(ratio)s times "
                              "its short side.", ratio=format_decimal(rules.max_aspect)), field)


def too_many_pixels(rules):
    return _("This image has too many pixels: at most %(side)s pixels on each side and %(megapixels)s megapixels "
             "in all.", side=format_decimal(rules.max_side), megapixels=format_decimal(rules.max_pixels / 1_000_000))


def _open(data, rules, field):
    """The image with its header read and no pixel decoded."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data), formats=rules.formats)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise RuleViolation(too_many_pixels(rules), field) from None  # Pillow's own, far higher limit
    except DECODE_ERRORS:
        raise RuleViolation(rules.refused, field) from None
    if image.format not in rules.formats:
        raise RuleViolation(rules.refused, field)
    return image


def _encode(image, fmt):
    out = io.BytesIO()
    if fmt == "JPEG":
        image.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
        content_type = "image/jpeg"
    else:
        transparent = image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info)
        image.convert("RGBA" if transparent else "RGB").save(out, "PNG", optimize=True)
        content_type = "image/png"
    return StoredImage(out.getvalue(), content_type, image.width, image.height)
