"""Author-written content made safe: Markdown rendered and sanitised with nh3, images decoded and re-encoded."""

import hashlib
import posixpath
import re
from urllib.parse import unquote, urlsplit

import markdown
import nh3
from flask import current_app
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

from oscart.core.exceptions import RuleViolation
from oscart.core.images import ImageRules, take_in_image

IMAGE_URL_PREFIX = "/training/images/"
ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "b", "i", "u", "s", "code", "pre", "blockquote", "ul", "ol", "li",
    "h2", "h3", "h4", "a", "img", "table", "thead", "tbody", "tr", "th", "td", "abbr", "sup", "sub",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title", "width", "height"},
                      "th": {"scope"}, "abbr": {"title"}}


IMAGE_ENDPOINT = "training.image"
# Percent-encoding, backslashes, whitespace and control characters: browsers decode, turn or drop them and
# then resolve dot segments, so a path that looked harmless here would reach another page there.
_URL_TRICKS = re.compile(r"[%\\\s\x00-\x1f\x7f]")


def _filter_attribute(tag, attribute, value):
    """Images come only from the portal's lesson-image route; no external, data: or other-page sources."""
    if tag == "img" and attribute == "src" and not is_lesson_image_url(value):
        return None
    return value


def is_lesson_image_url(value):
    """True when ``value`` is exactly the URL of one lesson image, as the route builds it, and nothing else.

    No scheme, host, query or fragment; nothing that decoding or normalising the path would change; and the
    URL map matches it to the lesson-image endpoint and builds the very same path back.
    """
    if _URL_TRICKS.search(value):
        return False
    parts = urlsplit(value)
    path = parts.path
    if parts.scheme or parts.netloc or parts.query or parts.fragment or "?" in value or "#" in value:
        return False
    if not path.startswith("/") or posixpath.normpath(unquote(path)) != path:
        return False
    adapter = current_app.url_map.bind("")
    try:
        endpoint, arguments = adapter.match(path, method="GET")
    except HTTPException:  # no route, another method, or a redirect to a canonical form
        return False
    return endpoint == IMAGE_ENDPOINT and adapter.build(endpoint, arguments) == path


def sanitize_html(html):
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, attribute_filter=_filter_attribute,
                     url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer")


def render_markdown(source):
    """Markdown (which may contain HTML) → sanitised HTML, safe to store and to output with |safe."""
    html = markdown.markdown(source or "", extensions=["tables", "sane_lists"], output_format="html")
    return sanitize_html(html)


# --- Images ---------------------------------------------------------------------------------------

IMAGE_RULES = ImageRules(formats=("PNG", "JPEG", "GIF", "WEBP"),
                         refused=_l("This file is not a PNG, JPEG, GIF or WebP image."),
                         max_side=10_000, max_pixels=24_000_000, max_aspect=20)
MAX_SIDE = 2000


def process_image(data, *, max_bytes):
    """Decode an upload with Pillow, refuse anything that is not a raster image, and re-encode it
    without metadata (a JPEG stays a JPEG, the rest becomes PNG). Returns (bytes, content_type, width, height,
    sha256)."""
    if not data:
        raise RuleViolation(_l("Choose an image file."), "image")
    if len(data) > max_bytes:
        raise RuleViolation(_l("The image is larger than %(size)s MB.", size=max_bytes // (1024 * 1024)), "image")
    image = take_in_image(data, IMAGE_RULES, field="image", fit_within=(MAX_SIDE, MAX_SIDE))
    return image.data, image.content_type, image.width, image.height, hashlib.sha256(image.data).hexdigest()
