"""Profile photos: decoded, cropped, stripped of metadata, and shown only to colleagues and staff."""

import io

import pytest
from PIL import Image

from oscart.accounts.models import User
from oscart.core.extensions import db
from oscart.core.security import PLATFORM_ADMIN, TRAINER
from tests.factories import make_company, make_user

GPS_IFD = 0x8825


def jpeg_with_gps(size=(640, 480)):
    image = Image.new("RGB", size, (200, 40, 40))
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # Make
    exif[0x0132] = "2026:01:01 10:00:00"  # DateTime
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (50.0, 50.0, 0.0), 3: "E", 4: (4.0, 21.0, 0.0)})
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif)
    return out.getvalue()


def upload(browser, data, filename="me.jpg"):
    page = browser.get("/account/photo")
    from tests.helpers import csrf_from

    return browser.client.post("/account/photo", data={"csrf_token": csrf_from(page.text),
                                                       "photo": (io.BytesIO(data), filename)},
                               content_type="multipart/form-data")


@pytest.fixture
def user(browser):
    person = make_user(company=make_company(), language="en")
    browser.login(person.email)
    return person


def test_the_test_photo_really_carries_gps():
    assert Image.open(io.BytesIO(jpeg_with_gps())).getexif().get_ifd(GPS_IFD)


def test_upload_is_cropped_square_and_stripped_of_metadata(browser, user):
    response = upload(browser, jpeg_with_gps())
    assert response.status_code == 302
    stored = db.session.get(User, user.id).photo
    image = Image.open(io.BytesIO(stored))
    assert image.format == "JPEG"
    assert image.size == (256, 256)
    assert len(image.getexif()) == 0
    assert "exif" not in image.info and "icc_profile" not in image.info
    assert b"SpyCam" not in stored


@pytest.mark.parametrize("data, name", [
    (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "x.svg"),
    (b"<html><body>hi</body></html>", "x.jpg"),
    (b"GIF89a" + b"\x00" * 100, "x.gif"),
    (b"not an image at all", "x.png"),
])
def test_non_photos_are_refused(browser, user, data, name):
    response = upload(browser, data, name)
    assert response.status_code == 200
    assert "not a JPEG, PNG or WebP photo" in response.text
    assert not db.session.get(User, user.id).has_photo


def test_polyglot_jpeg_with_html_is_refused(browser, user):
    response = upload(browser, jpeg_with_gps() + b"<script>alert(1)</script>")
    assert "not a JPEG, PNG or WebP photo" in response.text


def test_decompression_bomb_is_refused(browser, user):
    out = io.BytesIO()
    Image.new("1", (10_000, 10_000)).save(out, "PNG")  # tiny file, 100 million pixels
    assert len(out.getvalue()) < 5 * 1024 * 1024
    response = upload(browser, out.getvalue(), "bomb.png")
    assert response.status_code == 200
    assert not db.session.get(User, user.id).has_photo


@pytest.mark.config(PHOTO_MAX_BYTES=10_000)
def test_photo_over_the_size_limit_is_refused(browser, user):
    response = upload(browser, jpeg_with_gps((1200, 1200)) + b"\x00" * 20_000)
    assert "larger than" in response.text


@pytest.mark.config(MAX_CONTENT_LENGTH=50_000)
def test_request_over_the_body_limit_gets_the_translated_413_page(browser):
    person = make_user(company=make_company(), language="nl")
    browser.login(person.email)
    response = upload(browser, b"\xff" * 60_000)
    assert response.status_code == 413
    assert "Bestand te groot" in response.text
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_photo_can_be_removed(browser, user):
    upload(browser, jpeg_with_gps())
    response = browser.submit("/account/photo/remove", form_page="/account/photo")
    assert response.status_code == 302
    assert not db.session.get(User, user.id).has_photo


@pytest.mark.parametrize("viewer, status", [
    ("colleague", 200), ("owner", 200), ("trainer", 200), ("platform_admin", 200), ("other_company", 404),
])
def test_photo_is_shown_to_colleagues_and_staff_only(app, viewer, status):
    from tests.helpers import Browser

    company = make_company()
    owner = make_user(company=company)
    owner_browser = Browser(app.test_client())
    owner_browser.login(owner.email)
    upload(owner_browser, jpeg_with_gps())
    people = {
        "owner": owner,
        "colleague": make_user(company=company),
        "trainer": make_user(role=TRAINER),
        "platform_admin": make_user(role=PLATFORM_ADMIN),
        "other_company": make_user(company=make_company()),
    }
    browser = Browser(app.test_client())
    browser.login(people[viewer].email)
    response = browser.get(f"/account/photo/{owner.id}.jpg")
    assert response.status_code == status
    if status == 200:
        assert response.mimetype == "image/jpeg"
        assert response.headers["Cache-Control"] == "no-store"


def test_photo_needs_a_login(client):
    owner = make_user(company=make_company())
    assert client.get(f"/account/photo/{owner.id}.jpg").status_code == 302
