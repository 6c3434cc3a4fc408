"""Bulk downloads: a streamed ZIP of stored PDFs, or one merged PDF. Names are safe and readable."""

import re
import unicodedata
import zipfile
from io import BytesIO

from flask import current_app
from sqlalchemy import select
from zipstream import ZIP_STORED, ZipStream

from oscart.certificates.models import Certificate
from oscart.core.extensions import db

BATCH = 50
MAX_MERGED = 1000
# A merged PDF prepared in the background (oscart.jobs) may hold more.
MAX_MERGED_JOB = 5000


def safe_name(*parts, suffix=".pdf"):
    """``2026-03-12_Veilig-werken-op-hoogte_Jansen-Anna.pdf``: ASCII letters, digits and dashes only."""
    cleaned = [_slug(str(part)) for part in parts if part]
    return "_".join(part for part in cleaned if part)[:150] + suffix


def _slug(text):
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9]+", "-", ascii_text).strip("-")


def file_name(row):
    """The file name of one certificate row (``completed_on``, ``course_title``, ``last_name``, ``first_name``)."""
    return safe_name(row.completed_on.isoformat(), row.course_title, f"{row.last_name} {row.first_name}")


def unique_names(rows):
    """(row, name) pairs; a second file with the same name gets ``-2``, ``-3`` … before ``.pdf``."""
    seen = {}
    for row in rows:
        name = file_name(row)
        count = seen.get(name, 0) + 1
        seen[name] = count
        yield row, name if count == 1 else f"{name[:-4]}-{count}.pdf"


class BlobReader:
    """Reads stored PDFs in order, ``BATCH`` at a time: one query per batch and only one batch of PDFs in
    memory, however many certificates are exported.

    A streamed body is read after the request is over, so each batch is read in an application context of
    its own, opened and closed within the one call (never across a ``yield``).
    """

    def __init__(self, ids):
        self.app = current_app._get_current_object()
        self.ids = list(ids)
        self.position = {cid: index for index, cid in enumerate(self.ids)}
        self.loaded = {}

    def get(self, certificate_id):
        if certificate_id not in self.loaded:
            start = self.position[certificate_id]
            batch = self.ids[start:start + BATCH]
            with self.app.app_context():
                rows = db.session.execute(select(Certificate.id, Certificate.pdf).where(Certificate.id.in_(batch)))
                self.loaded = {cid: pdf for cid, pdf in rows}
        return self.loaded.pop(certificate_id)


def zip_stream(rows):
    """A ZipStream (iterate it to get bytes; ``len()`` is its size) of the rows' stored PDFs."""
    rows = list(rows)
    reader = BlobReader(row.id for row in rows)
    stream = ZipStream(compress_type=ZIP_STORED, sized=True)
    for row, name in unique_names(rows):
        stream.add(_lazy(reader, row.id), name, size=row.pdf_size)
    return stream


def zip_bytes(rows, progress=None):
    """The ZIP of ``zip_stream`` written out (bulk jobs), with ``progress(done)`` after every ``BATCH``."""
    rows = list(rows)
    reader = BlobReader(row.id for row in rows)
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for done, (row, name) in enumerate(unique_names(rows), start=1):
            archive.writestr(name, reader.get(row.id))
            if progress and done % BATCH == 0:
                progress(done)
    return buffer.getvalue()


def _lazy(reader, certificate_id):
    yield reader.get(certificate_id)


def merged_pdf(rows, progress=None):
    """One PDF with every row's certificate, in order, each keeping its page. Returns bytes.

    ``progress(done)`` is called after every ``BATCH`` certificates (bulk jobs show it).
    """
    from pypdf import PdfReader, PdfWriter

    rows = list(rows)
    reader = BlobReader(row.id for row in rows)
    writer = PdfWriter()
    for done, row in enumerate(rows, start=1):
        # Pages only (no outlines, forms or signatures): a third faster than PdfWriter.append.
        for page in PdfReader(BytesIO(reader.get(row.id))).pages:
            writer.add_page(page)
        if progress and done % BATCH == 0:
            progress(done)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()
