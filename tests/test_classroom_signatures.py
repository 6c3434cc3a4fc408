"""Signing the sign-in sheet on the tablet: a drawn PNG is checked, decoded and re-encoded, stored with the
trainee's attendance row under the sheet's optimistic lock, audited, shown on the sheet and in the PDF, exported
and erased with the person."""

import base64
import io
import re
from datetime import timedelta

import pytest
from PIL import Image, PngImagePlugin
from pypdf import PdfReader
from sqlalchemy import select

from oscart.audit.models import AuditEvent
from oscart.classroom import signatures
from oscart.classroom.models import Attendance
from oscart.classroom.sessions import session_parts
from oscart.core import personal_data as registry
from oscart.core.database import utcnow
from oscart.core.extensions import db
from oscart.privacy.erasure import erase_user
from tests.classroom_helpers import make_world
from tests.factories import make_registration, make_training_session
from tests.helpers import Browser


@pytest.fixture
def world():
    return make_world()


def drawing(size=(900, 300), *, ink=True, mode="RGBA", text=None):
    """A PNG like the canvas posts: transparent, with a dark stroke."""
    image = Image.new(mode, size, (0, 0, 0, 0) if mode == "RGBA" else 255)
    if ink:
        for x in range(size[0] // 9, size[0] * 7 // 9):
            for dy in range(3):
                y = size[1] // 3 + (x % (size[1] // 8)) + dy
                image.putpixel((x, y), (17, 17, 17, 255) if mode == "RGBA" else 17)
    info = PngImagePlugin.PngInfo()
    if text:
        info.add_text("Comment", text)
    out = io.BytesIO()
    image.save(out, "PNG", pnginfo=info)
    return out.getvalue()


def data_url(png, kind="image/png"):
    return f"data:{kind};base64," + base64.b64encode(png).decode()


def _running(world, *, starts=timedelta(hours=-1), company=None):
    start = utcnow() + starts
    session = make_training_session(world.course, trainers=[world.trainer], company=company,
                                    parts=[(start, start + timedelta(hours=3))])
    make_registration(session, world.anna)
    make_registration(session, world.pieter)
    db.session.commit()
    return session, session_parts(session.id)[0]


def _trainer(app, world):
    browser = Browser(app.test_client())
    browser.login(world.trainer.email)
    return browser


def _version(page):
    match = re.search(r'name="version"[^>]*value="(\d*)"', page)
    assert match, page
    return match.group(1)


def _sign(browser, part, user, png_url, *, version=None):
    url = f"/classroom/parts/{part.id}/sign/{user.id}"
    page = browser.get(url)
    assert page.status_code == 200
    return browser.client.post(url, data={
        "csrf_token": re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text).group(1),
        "version": _version(page.text) if version is None else version, "signature": png_url})


def _stored(user):
    return db.session.execute(select(Attendance.status, Attendance.minutes, Attendance.version, Attendance.signature,
                                     Attendance.signed_at).where(Attendance.user_id == user.id)).first()


def test_a_trainee_signs_and_is_marked_present_with_a_re_encoded_signature(app, world):
    session, part = _running(world)
    trainer = _trainer(app, world)
    response = _sign(trainer, part, world.anna, data_url(drawing(text="GPS 51.2,4.4 secret")))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/classroom/parts/{part.id}/sheet#row-{world.anna.id}"
    row = _stored(world.anna)
    assert (row.status, row.minutes, row.version) == ("present", 180, 1)
    assert row.signature.startswith(signatures.PNG_MAGIC) and b"secret" not in row.signature
    stored = Image.open(io.BytesIO(row.signature))
    assert stored.mode == "L" and stored.size[0] <= 600 and stored.size[1] <= 200
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "classroom.attendance_signed"))
    assert event.subject_id == world.anna.id and event.actor_id == world.trainer.id
    assert event.details["part_id"] == part.id
    sheet = trainer.get(f"/classroom/parts/{part.id}/sheet").text
    assert 'alt="Signature of Anna Jansen"' in sheet and "Signed at" in sheet and 'src="data:image/png;base64,' in sheet


def test_signing_keeps_the_trainers_mark_and_raises_the_version(app, world):
    _session, part = _running(world)
    db.session.add(Attendance(part_id=part.id, session_id=part.session_id, part_starts_at=part.starts_at,
                              user_id=world.anna.id, status="late", minutes=120, marked_by_id=world.trainer.id))
    db.session.commit()
    assert _sign(_trainer(app, world), part, world.anna, data_url(drawing())).status_code == 302
    row = _stored(world.anna)
    assert (row.status, row.minutes, row.version) == ("late", 120, 2) and row.signed_at is not None


@pytest.mark.parametrize("posted", [
    "",
    data_url(drawing(ink=False)),  # an empty box
    data_url(drawing(), "image/svg+xml"),
    "data:image/png;base64,not base64!",
    data_url(b"GIF89a" + b"\0" * 40),
    data_url(b"\x89PNG\r\n\x1a\n" + b"\0" * 200),  # a PNG header with nothing behind it
    data_url(drawing(size=(5000, 400))),  # more pixels on one side than a drawing has
    "data:image/png;base64," + "A" * 500_000,  # larger than a signature
])
def test_anything_but_a_drawn_png_is_refused(app, world, posted):
    _session, part = _running(world)
    response = _sign(_trainer(app, world), part, world.anna, posted)
    assert response.status_code in (400, 413)
    assert _stored(world.anna) is None


def test_the_sheet_saved_in_between_makes_signing_a_conflict(app, world):
    _session, part = _running(world)
    trainer = _trainer(app, world)
    url = f"/classroom/parts/{part.id}/sign/{world.anna.id}"
    version = _version(trainer.get(url).text)
    db.session.add(Attendance(part_id=part.id, session_id=part.session_id, part_starts_at=part.starts_at,
                              user_id=world.anna.id, status="present", minutes=180, marked_by_id=world.trainer.id))
    db.session.commit()
    response = _sign(trainer, part, world.anna, data_url(drawing()), version=version)
    assert response.status_code == 409 and "Someone else saved this sheet" in response.text
    assert _stored(world.anna).signed_at is None


def test_a_sheet_opened_before_the_signature_is_not_saved_over_it(app, world):
    _session, part = _running(world)
    trainer = _trainer(app, world)
    sheet = trainer.get(f"/classroom/parts/{part.id}/sheet").text
    _sign(trainer, part, world.anna, data_url(drawing()))
    response = trainer.client.post(f"/classroom/parts/{part.id}/sheet", data={
        "csrf_token": re.search(r'name="csrf_token"[^>]*value="([^"]+)"', sheet).group(1),
        f"status-{world.anna.id}": "absent", f"version-{world.anna.id}": ""})
    assert response.status_code == 409
    assert _stored(world.anna).status == "present"


def test_no_signature_for_someone_absent_not_registered_or_before_the_part(app, world):
    session, part = _running(world)
    db.session.add(Attendance(part_id=part.id, session_id=session.id, part_starts_at=part.starts_at,
                              user_id=world.pieter.id, status="absent", minutes=0, marked_by_id=world.trainer.id))
    db.session.commit()
    trainer = _trainer(app, world)
    assert _sign(trainer, part, world.pieter, data_url(drawing())).status_code == 400
    assert trainer.get(f"/classroom/parts/{part.id}/sign/{world.bruno.id}").status_code == 404
    _later, coming = _running(world, starts=timedelta(hours=5))
    assert _sign(trainer, coming, world.anna, data_url(drawing())).status_code == 400
    assert db.session.scalar(select(Attendance.id).where(Attendance.signed_at.is_not(None))) is None


def test_without_script_the_sheet_works_and_offers_no_signing(app, world):
    _session, part = _running(world)
    sheet = _trainer(app, world).get(f"/classroom/parts/{part.id}/sheet").text
    link = re.search(r'<a[^>]*href="/classroom/parts/\d+/sign/\d+"[^>]*>', sheet).group(0)
    assert "data-needs-script" in link and " hidden" in link
    page = _trainer(app, world).get(f"/classroom/parts/{part.id}/sign/{world.anna.id}").text
    assert re.search(r'<form method="post" data-signature-form data-needs-script hidden>', page)
    assert "Signing needs a browser with JavaScript" in page


def test_only_the_sessions_trainers_open_the_sign_page(app, world):
    _session, part = _running(world)
    for user in (world.other_trainer, world.anna, world.hr_acme):
        browser = Browser(app.test_client())
        browser.login(user.email)
        assert browser.get(f"/classroom/parts/{part.id}/sign/{world.anna.id}").status_code in (403, 404)


def _pdf_images(pdf):
    return [image for page in PdfReader(io.BytesIO(pdf)).pages for image in page.images]


def test_the_pdf_shows_the_signature_the_trainers_line_and_the_company_logo(app, world):
    logo = io.BytesIO()
    Image.new("RGB", (300, 100), (200, 30, 30)).save(logo, "PNG")
    world.acme.logo, world.acme.logo_updated_at = logo.getvalue(), utcnow()
    _session, part = _running(world, company=world.acme)
    trainer = _trainer(app, world)
    before = trainer.get(f"/classroom/parts/{part.id}/signin.pdf").data
    _sign(trainer, part, world.anna, data_url(drawing()))
    response = trainer.get(f"/classroom/parts/{part.id}/signin.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = PdfReader(io.BytesIO(response.data)).pages[0].extract_text()
    assert "Thomas Trainer" in text and "Handtekening van de trainer" in text  # the session's language, nl
    assert "Getekend om" in text
    assert len(_pdf_images(response.data)) == len(_pdf_images(before)) + 1
    signature = max(_pdf_images(response.data), key=lambda image: image.image.size[0] / image.image.size[1]
                    if image.image.mode == "L" else 0)
    assert signature.image.mode == "L"


def test_an_open_session_prints_without_a_company_logo(app, world):
    world.acme.logo, world.acme.logo_updated_at = drawing(), utcnow()
    _session, part = _running(world)
    pdf = _trainer(app, world).get(f"/classroom/parts/{part.id}/signin.pdf").data
    assert _pdf_images(pdf) == []  # Oscart's logo is vector (SVG), the company's is left out


def test_the_signature_is_in_the_privacy_export_and_goes_with_the_person(app, world):
    _session, part = _running(world)
    _sign(_trainer(app, world), part, world.anna, data_url(drawing()))
    with app.test_request_context():
        data, files = registry.export_user(world.anna)
    [row] = data["attendance"]
    assert row["signed_at"] and row["file"] == f"signatures/attendance-{row['id']}.png"
    assert dict(files)[row["file"]] == _stored(world.anna).signature
    erase_user(world.anna, actor=world.admin)
    db.session.commit()
    row = _stored(world.anna)
    assert (row.signature, row.signed_at, row.status) == (None, None, "present")


def test_a_legal_hold_keeps_the_signature_with_the_record(app, world):
    _session, part = _running(world)
    _sign(_trainer(app, world), part, world.anna, data_url(drawing()))
    erase_user(world.anna, actor=world.admin, legal_hold=True)
    db.session.commit()
    assert _stored(world.anna).signature is not None
