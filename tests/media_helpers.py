"""Small files of each kind a lesson takes, valid as far as the portal checks them, for the tests."""

import io

from oscart.core import storage
from oscart.core.extensions import db
from oscart.training.media_models import LessonMedia

MP4 = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2" + b"\x00\x00\x00\x08free" + bytes(range(256)) * 8
WEBM = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\xf2\x81\x04\x42\xf3\x81\x08\x42\x82\x84webm" + \
    b"\x00" * 2000
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
VTT = b"WEBVTT\n\n00:00.000 --> 00:02.000\nWelkom bij de les\n"


def add_media(lesson, language, role, data, content_type):
    """A file of ``lesson`` stored as an upload would be, committed."""
    stored = storage.save(io.BytesIO(data))
    row = LessonMedia(lesson_id=lesson.id, language=language, role=role, file_key=stored.key,
                      content_type=content_type, size_bytes=stored.size_bytes)
    db.session.add(row)
    db.session.commit()
    return row
