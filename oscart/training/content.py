"""Author-written content made safe: Markdown rendered and sanitised with nh3, images decoded and re-encoded."""

import hashlib
import io
import warnings

import markdown
import nh3
from flask_babel import lazy_gettext as _l
from PIL import Image, ImageOps, UnidentifiedImageError

from oscart.exceptions import RuleViolation

IMAGE_URL_PREFIX = "/training/images/"
ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "b", "i", "u", "s", "code", "pre", "blockquote", "ul", "ol", "li",
    "h2", "h3", "h4", "a", "img", "table", "thead", "tbody", "tr", "th", "td", "abbr", "sup", "sub",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title", "width", "height"},
                      "th": {"scope"}, "abbr": {"title"}}


def _filter_attribute(tag, attribute, value):
    """Images come only from the portal itself; no external or data: sources."""
    if tag == "img" and attribute == "src" and not value.startswith(IMAGE_URL_PREFIX):
        return None
    return value


def sanitize_html(html):
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, attribute_filter=_filter_attribute,
                     url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer")


def render_markdown(source):
    """Markdown (which may contain HTML) → sanitised HTML, safe to store and to output with |safe."""
    html = markdown.markdown(source or "", extensions=["tables", "sane_lists"], output_format="html")
    return sanitize_html(html)


# --- Images ---------------------------------------------------------------------------------------

IMAGE_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg", "GIF": "image/png", "WEBP": "image/png"}
MAX_PIXELS = 24_000_000
MAX_SIDE = 2000


def process_image(data, *, max_bytes):
    """Decode an upload with Pillow, refuse anything that is not a raster image, and re-encode it
    without metadata. Returns (bytes, content_type, width, height, sha256)."""
    if not data:
        raise RuleViolation(_l("Choose an image file."), "image")
    if len(data) > max_bytes:
        raise RuleViolation(_l("The image is larger than %(size)s MB.", size=max_bytes // (1024 * 1024)), "image")
    image = _decode(data)
    content_type = IMAGE_FORMATS[image.format]
    image = ImageOps.exif_transpose(image)
    image.thumbnail((MAX_SIDE, MAX_SIDE))
    out = io.BytesIO()
    if content_type == "image/jpeg":
        image.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
    else:
        mode = "RGBA" if image.mode in ("RGBA", "LA", "P") else "RGB"
        image.convert(mode).save(out, "PNG", optimize=True)
    encoded = out.getvalue()
    return encoded, content_type, image.width, image.height, hashlib.sha256(encoded).hexdigest()


def _decode(data):
    refused = RuleViolation(_l("This file is not a PNG, JPEG, GIF or WebP image."), "image")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data))
            if probe.format not in IMAGE_FORMATS:
                raise refused
            if probe.width * probe.height > MAX_PIXELS:
                raise RuleViolation(_l("The image has too many pixels."), "image")
            probe.verify()
            image = Image.open(io.BytesIO(data))
            image.load()
    except RuleViolation:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError,
            Image.DecompressionBombWarning) as error:
        raise refused from error
    return image
