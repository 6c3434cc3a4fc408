"""Drawn signatures on the sign-in sheet: a registered trainee signs on the trainer's tablet, and the signature
is stored with the trainee's attendance row of that part.

The browser posts the drawing as a PNG data URL. Only PNG is accepted (SVG path data would have to be parsed
and rebuilt to be safe; a bitmap is simply decoded): the text is size-limited before decoding, the image is
checked on its header's numbers, decoded by Pillow, flattened on white, turned to greyscale, fitted within
BOX and written as a fresh PNG, so nothing of the posted file is kept but its pixels.

Signing goes through the same optimistic lock as the sheet: the sign page carries the row's ``version`` and
signing raises it, so a sheet opened before the signature, saved afterwards, says someone else changed it.
"""

import base64
import binascii
import io

from flask_babel import lazy_gettext as _l
from PIL import Image
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from oscart.accounts.models import User
from oscart.audit.services import record_event
from oscart.classroom.access import check_teaches
from oscart.classroom.attendance import SheetConflict
from oscart.classroom.completion import complete_from_attendance
from oscart.classroom.models import ABSENT, EXCUSED, PRESENT, REGISTERED, Attendance, Registration
from oscart.classroom.sessions import get_part
from oscart.core.database import utcnow
from oscart.core.exceptions import NotFound, RuleViolation
from oscart.core.extensions import db
from oscart.core.images import DECODE_ERRORS, ImageRules, take_in_image

PREFIX = "data:image/png;base64,"
MAX_BYTES = 300_000  # decoded; its base64 stays under the 500 kB a form field may hold (drawings are far smaller)
BOX = (600, 200)  # stored size at most, in pixels (the PDF shows it about 45 × 15 mm)
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
UNREADABLE = _l("The signature could not be read. Please sign again.")
RULES = ImageRules(formats=("PNG",), refused=UNREADABLE, max_side=4000, max_pixels=6_000_000, max_aspect=12)
FIELD = "signature"
INK = 200  # a grey value darker than this is ink
MARGIN = 12  # pixels kept around the ink


def clean_signature(data_url):
    """PNG bytes of a posted signature (a PNG data URL); RuleViolation on the ``signature`` field otherwise."""
    data_url = (data_url or "").strip()
    if not data_url.startswith(PREFIX):
        raise RuleViolation(_l("Draw your signature in the box first."), FIELD)
    payload = data_url[len(PREFIX):]
    if len(payload) > (MAX_BYTES * 4) // 3 + 4:
        raise RuleViolation(_l("The signature is too large. Please sign again."), FIELD)
    try:
        raw = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise RuleViolation(UNREADABLE, FIELD) from None
    if not raw.startswith(PNG_MAGIC):
        raise RuleViolation(UNREADABLE, FIELD)
    decoded = take_in_image(raw, RULES, field=FIELD, output="PNG")
    try:
        image = Image.open(io.BytesIO(decoded.data)).convert("RGBA")
    except DECODE_ERRORS:
        raise RuleViolation(UNREADABLE, FIELD) from None
    flat = Image.alpha_composite(Image.new("RGBA", image.size, "white"), image).convert("L")
    ink = flat.point(lambda value: 255 if value < INK else 0).getbbox()
    if ink is None:
        raise RuleViolation(_l("Draw your signature in the box first."), FIELD)
    # Only the signature itself, with a small margin: the empty rest of the box would make it tiny when printed.
    left, top, right, bottom = ink
    flat = flat.crop((max(left - MARGIN, 0), max(top - MARGIN, 0), min(right + MARGIN, flat.width),
                      min(bottom + MARGIN, flat.height)))
    flat.thumbnail(BOX)
    out = io.BytesIO()
    flat.save(out, "PNG", optimize=True)
    return out.getvalue()


def load_signer(part_id, user_id, *, actor):
    """(session, part, trainee, attendance row or None) for the sign page; a trainee not on the sheet is 404."""
    session, part = get_part(part_id, actor=actor)
    check_teaches(session, actor)
    status = db.session.scalar(select(Registration.status).where(Registration.session_id == session.id,
                                                                 Registration.user_id == user_id))
    if status != REGISTERED:
        raise NotFound()
    trainee = db.session.get(User, user_id)
    row = db.session.execute(select(Attendance.id, Attendance.status, Attendance.version, Attendance.signed_at)
                             .where(Attendance.part_id == part.id, Attendance.user_id == user_id)).first()
    return session, part, trainee, row


def sign_attendance(part_id, user_id, data_url, *, actor, version, now=None):
    """Store ``user_id``'s drawn signature on their attendance row of the part (made present when there was no
    row yet). ``version``: the row's version when the sign page was loaded (None: no row then)."""
    now = now or utcnow()
    session, part, trainee, row = load_signer(part_id, user_id, actor=actor)
    if not part.has_started(now):
        raise RuleViolation(_l("This part has not started yet; attendance can be marked from its start."))
    if row is not None and row.status in (ABSENT, EXCUSED):
        raise RuleViolation(_l("This person is marked absent or excused for this part. Change the mark on the "
                               "sheet before signing."))
    png = clean_signature(data_url)
    if (row.version if row else None) != version:
        raise SheetConflict(_l("Someone else saved this sheet after you opened it. Nothing was saved: check the "
                               "sheet and sign again."), changes=[])
    if row is not None:
        statement = (update(Attendance).where(Attendance.id == row.id, Attendance.version == version)
                     .values(signature=png, signed_at=now, version=Attendance.version + 1))
        if db.session.execute(statement).rowcount != 1:
            raise SheetConflict(_l("Someone else saved this sheet at the same moment. Nothing was saved: "
                                   "reload the sheet and sign again."), changes=[])
    else:
        _insert_signed(session, part, user_id, png, actor, now)
    record_event("classroom.attendance_signed", actor=actor, subject=trainee, target=f"classroom-session:{session.id}",
                 session_id=session.id, part_id=part.id, replaced=bool(row and row.signed_at))
    if row is None:
        complete_from_attendance(session, {user_id}, actor)


def _insert_signed(session, part, user_id, png, actor, now):
    try:
        with db.session.begin_nested():
            db.session.execute(insert(Attendance).values(
                part_id=part.id, session_id=session.id, part_starts_at=part.starts_at, user_id=user_id,
                status=PRESENT, minutes=part.minutes, note="", marked_by_id=actor.id, version=1, updated_at=now,
                signature=png, signed_at=now))
    except IntegrityError:
        raise SheetConflict(_l("Someone else saved this sheet at the same moment. Nothing was saved: "
                               "reload the sheet and sign again."), changes=[]) from None


def part_signatures(part_id):
    """{user_id: (png bytes, signed_at)} of the part's signed rows, for the sheet and the PDF; one query."""
    return {row.user_id: (row.signature, row.signed_at) for row in db.session.execute(
        select(Attendance.user_id, Attendance.signature, Attendance.signed_at)
        .where(Attendance.part_id == part_id, Attendance.signed_at.is_not(None)))}


def data_url(png):
    """The PNG as a data URL (allowed by the CSP's img-src and by the PDF fetcher)."""
    return PREFIX + base64.b64encode(png).decode("ascii")
