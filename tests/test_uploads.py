"""Every upload form: images too expensive to decode are refused on their header alone; uploads are rate-limited."""

import io
import struct
import zlib
from functools import cache

import pytest
from PIL import Image, ImageFile
from sqlalchemy import func, select

from oscart.accounts.models import User
from oscart.core.extensions import db
from oscart.core.security import PLATFORM_ADMIN
from oscart.training.models import LessonImage
from tests.factories import make_certificate, make_company, make_elearning_course, make_user
from tests.helpers import Browser, csrf_from


def _chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


@cache
def blank_png(width, height):
    """A valid black PNG of width × height pixels (1 bit each), compressed row by row without holding them."""
    row = b"\x00" * (1 + (width + 7) // 8)  # filter byte, then the packed pixels
    per_chunk = max(1, 1_000_000 // len(row))
    compressor = zlib.compressobj(9)
    full, rest = divmod(height, per_chunk)
    parts = [compressor.compress(row * per_chunk) for _ in range(full)]
    parts += [compressor.compress(row * rest), compressor.flush()]
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", b"".join(parts)) + _chunk(b"IEND", b"")


def photo_png(size=(300, 200)):
    out = io.BytesIO()
    Image.new("RGB", size, "#0b6e4f").save(out, "PNG")
    return out.getvalue()


def test_blank_png_is_a_real_png():
    image = Image.open(io.BytesIO(blank_png(13, 7)))
    image.load()
    assert image.format == "PNG" and image.size == (13, 7)


def test_the_narrow_image_is_small_and_tall():
    data = blank_png(1, 39_000_000)
    assert len(data) < 100_000
    assert Image.open(io.BytesIO(data)).size == (1, 39_000_000)


class Route:
    """An upload form: where it is, who may use it, its file field, and how many files it has stored."""

    def __init__(self, name, *, language="en"):
        self.name = name
        if name == "photo":
            self.user = make_user(company=make_company(), language=language)
            self.url, self.field = "/account/photo", "photo"
        elif name == "lesson image":
            self.user = make_user(role=PLATFORM_ADMIN, language=language)
            self.url, self.field = f"/training/manage/{make_elearning_course(status='draft').id}/images", "image"
        else:  # the public check of a certificate PDF, without a login
            self.user = None
            self.certificate = make_certificate(make_user(company=make_company()))
            self.url, self.field = f"/verify/{self.certificate.code}", "file"

    def browser(self, app):
        browser = Browser(app.test_client())
        if self.user is not None:
            browser.login(self.user.email)
        return browser

    def upload(self, browser, data, filename="upload.png"):
        page = browser.get(self.url)
        return browser.client.post(self.url, data={"csrf_token": csrf_from(page.text),
                                                   self.field: (io.BytesIO(data), filename)},
                                   content_type="multipart/form-data")

    def a_good_file(self):
        return self.certificate.pdf if self.name == "verification PDF" else photo_png()

    def stored(self):
        if self.name == "photo":
            return int(db.session.get(User, self.user.id).has_photo)
        return db.session.scalar(select(func.count(LessonImage.id)))


IMAGE_ROUTES = ["photo", "lesson image"]
TOO_MANY_PIXELS = {"nl": "te veel pixels", "fr": "trop de pixels", "de": "zu viele Pixel", "en": "too many pixels"}


@pytest.fixture
def no_decoding(monkeypatch):
    """Records every attempt to decode pixels (Pillow's load) instead of letting it happen."""
    calls = []

    def load(image):
        calls.append(image.size)

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)
    monkeypatch.setattr(Image.Image, "load", load)
    return calls


@pytest.mark.parametrize("size", [(1, 39_000_000), (20_000, 20_000)], ids=["1x39M", "20000x20000"])
@pytest.mark.parametrize("language", sorted(TOO_MANY_PIXELS))
@pytest.mark.parametrize("route_name", IMAGE_ROUTES)
def test_images_too_expensive_to_decode_are_refused_before_decoding(app, no_decoding, route_name, language, size):
    route = Route(route_name, language=language)
    response = route.upload(route.browser(app), blank_png(*size))
    assert response.status_code == 200
    assert TOO_MANY_PIXELS[language] in response.text
    assert no_decoding == []
    assert route.stored() == 0


@pytest.mark.parametrize(("route_name", "size", "ratio"), [("photo", (100, 401), "4"),
                                                           ("lesson image", (4001, 200), "20")])
def test_images_too_long_and_narrow_are_refused_before_decoding(app, no_decoding, route_name, size, ratio):
    route = Route(route_name)
    response = route.upload(route.browser(app), blank_png(*size))
    assert f"too long and narrow: its long side may be at most {ratio} times its short side" in response.text
    assert no_decoding == []
    assert route.stored() == 0


@pytest.mark.parametrize("route_name", IMAGE_ROUTES)
def test_an_image_within_the_limits_is_stored(app, route_name):
    route = Route(route_name)
    assert route.upload(route.browser(app), photo_png((400, 100))).status_code == 302
    assert route.stored() == 1


@pytest.mark.config(RATELIMIT_UPLOAD="2 per minute")
@pytest.mark.parametrize("route_name", [*IMAGE_ROUTES, "verification PDF"])
def test_uploads_are_rate_limited(app, route_name):
    route = Route(route_name, language="nl")
    browser = route.browser(app)
    for _ in range(2):
        assert route.upload(browser, route.a_good_file()).status_code in (200, 302)
    refused = route.upload(browser, route.a_good_file())
    assert refused.status_code == 429
    assert "Te veel pogingen" in refused.text
    assert int(refused.headers["Retry-After"]) > 0


@pytest.mark.config(RATELIMIT_UPLOAD="2 per minute")
def test_the_upload_limit_counts_per_user_across_upload_forms(app):
    route = Route("lesson image")
    browser = route.browser(app)
    photo = Route("photo")
    photo.user = route.user  # the same person uploads a profile photo first
    assert photo.upload(browser, photo_png()).status_code == 302
    assert route.upload(browser, photo_png()).status_code == 302
    assert route.upload(browser, photo_png()).status_code == 429
    other = Route("lesson image")  # someone else is not affected
    assert other.upload(other.browser(app), photo_png()).status_code == 302
