"""Uploaded files kept by the portal (lesson videos, captions, documents): one interface over two places.

``FILE_STORAGE = "database"`` keeps a file as numbered chunks in ``stored_chunk`` (a backup of the database is a
backup of everything); ``"folder"`` keeps it under ``FILE_STORAGE_PATH``. Either way a file is named by the
SHA-256 of its content, never by the name it had on the uploader's computer, and the same content is stored once.
Reading returns a seekable file object that holds at most one chunk in memory, so that a 200 MB video is served
to a Range request by reading only the asked bytes.

A file nothing refers to any more is discarded by its referrer (``discard``): its row and chunks go with the
transaction, and its file in the folder once that transaction has committed, so that a rollback never loses the
content of a file that is still referred to.
"""

import hashlib
import io
import logging
import os
import tempfile
from datetime import datetime
from pathlib import Path

from flask import current_app
from sqlalchemy import BigInteger, ForeignKey, Integer, LargeBinary, String, delete, event, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Mapped, Session, mapped_column

from oscart.core.database import UTCDateTime, one_of, utcnow
from oscart.core.exceptions import NotFound
from oscart.core.extensions import db

log = logging.getLogger(__name__)

DATABASE, FOLDER = "database", "folder"
BACKENDS = (DATABASE, FOLDER)
CHUNK_BYTES = 1024 * 1024
_COPY_BYTES = 64 * 1024
_UNLINK = "oscart.storage.unlink"  # session.info: {key: (path, engine)} of folder files to settle at the end


class StoredFile(db.Model):
    """One file's content, named by its SHA-256; where its bytes are (``backend``) is kept per file, so files
    stored before a change of ``FILE_STORAGE`` stay readable."""

    __table_args__ = (one_of("backend", BACKENDS),)

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    backend: Mapped[str] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class StoredChunk(db.Model):
    file_key: Mapped[str] = mapped_column(ForeignKey("stored_file.key", ondelete="CASCADE"), primary_key=True)
    number: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    data: Mapped[bytes] = mapped_column(LargeBinary)


def save(stream):
    """Store the content of the seekable binary ``stream`` (read from its start) and return its StoredFile.

    The content is read in small blocks: an upload that Werkzeug spooled to disk never sits in memory whole.
    """
    stream.seek(0)
    digest, size = hashlib.sha256(), 0
    for block in iter(lambda: stream.read(_COPY_BYTES), b""):
        digest.update(block)
        size += len(block)
    key = digest.hexdigest()
    stored = db.session.get(StoredFile, key)
    if stored is not None and _is_present(stored):
        return stored
    backend = current_app.config["FILE_STORAGE"]
    stream.seek(0)
    if backend == FOLDER:
        _write_file(stream, _path(key))
        _settle_at_end(key)  # removed again if the transaction does not keep its row
    else:
        db.session.execute(delete(StoredChunk).where(StoredChunk.file_key == key))
    if stored is None:
        stored = StoredFile(key=key, size_bytes=size, backend=backend)
        db.session.add(stored)
    stored.backend = backend
    db.session.flush()
    if backend == DATABASE:
        for number, block in enumerate(iter(lambda: stream.read(CHUNK_BYTES), b"")):
            db.session.add(StoredChunk(file_key=key, number=number, data=block))
            db.session.flush()  # one chunk in memory at a time
    return stored


def _is_present(stored):
    if stored.backend == FOLDER:
        return _path(stored.key).is_file()
    return db.session.scalar(select(StoredChunk.number).where(StoredChunk.file_key == stored.key).limit(1)) is not None


def open_file(key):
    """(seekable binary file object, size) of a stored file; NotFound when there is none."""
    stored = db.session.get(StoredFile, key)
    if stored is None:
        raise NotFound()
    if stored.backend == FOLDER:
        try:
            return open(_path(key), "rb"), stored.size_bytes  # noqa: SIM115 (the response closes it)
        except FileNotFoundError:
            raise NotFound() from None
    return ChunkReader(db.engine, key, stored.size_bytes), stored.size_bytes


def discard(*keys):
    """Forget the files of ``keys``, which nothing refers to any more (the caller checks): their rows and chunks
    go with the transaction; a file in the folder is removed once the transaction commits, never before, so that
    a rollback keeps it."""
    found = db.session.scalars(select(StoredFile).where(StoredFile.key.in_(keys))).all() if keys else []
    if not found:
        return
    db.session.execute(delete(StoredChunk).where(StoredChunk.file_key.in_([stored.key for stored in found])))
    for stored in found:
        if stored.backend == FOLDER:
            _settle_at_end(stored.key)
        db.session.delete(stored)
    db.session.flush()


def _settle_at_end(key):
    db.session.info.setdefault(_UNLINK, {})[key] = (_path(key), db.engine)


@event.listens_for(Session, "after_transaction_end")
def _settle_folder(session, transaction):
    """Once a transaction has ended (committed, rolled back or closed), remove the folder files it discarded or
    wrote whose row is not in the database: a discarded file whose removal was rolled back stays, and so does one
    whose content was stored again since (in this transaction or another that committed first); a file written
    by an upload that was rolled back goes."""
    if transaction.parent is not None:
        return  # a savepoint: the whole transaction decides
    pending = session.info.pop(_UNLINK, None)
    if not pending:
        return
    engine = next(iter(pending.values()))[1]
    try:
        with engine.connect() as connection:
            kept = set(connection.scalars(select(StoredFile.key).where(StoredFile.key.in_(pending))))
    except SQLAlchemyError:  # the database cannot say which rows are there: every file stays
        log.warning("Stored files not settled, the database did not answer: %s", sorted(pending), exc_info=True)
        return
    # Two writers can still race here (one uploads content the other is removing, neither committed); then the
    # next upload of that content writes the file again, as save() does for a row whose file is missing.
    for key, (path, _engine) in pending.items():
        if key not in kept:
            path.unlink(missing_ok=True)


def _path(key):
    return Path(current_app.config["FILE_STORAGE_PATH"]) / key[:2] / key


def _write_file(stream, path):
    """Copy to a temporary file beside the target, then rename: a half-written file never has the final name."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
    try:
        with os.fdopen(handle, "wb") as out:
            for block in iter(lambda: stream.read(_COPY_BYTES), b""):
                out.write(block)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


class ChunkReader(io.RawIOBase):
    """A read-only, seekable view of a file stored as chunks in the database, holding one chunk at a time.

    It reads through its own connection from ``engine``: a response body is read after the request's session
    has ended.
    """

    def __init__(self, engine, key, size):
        super().__init__()
        self._engine, self._key, self._size = engine, key, size
        self._position = 0
        self._chunk_number, self._chunk = None, b""
        self._connection = None
        self.chunks_read = []  # chunk numbers loaded, in order (tests check that a seek reads no more)

    def readable(self):
        return True

    def seekable(self):
        return True

    def tell(self):
        return self._position

    def seek(self, offset, whence=io.SEEK_SET):
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self._size}[whence]
        self._position = max(0, base + offset)
        return self._position

    def readinto(self, buffer):
        if self._position >= self._size:
            return 0
        number, offset = divmod(self._position, CHUNK_BYTES)
        if number != self._chunk_number:
            self._chunk = self._load(number)
            self._chunk_number = number
        piece = self._chunk[offset:offset + len(buffer)]
        buffer[:len(piece)] = piece
        self._position += len(piece)
        return len(piece)

    def _load(self, number):
        if self._connection is None:
            self._connection = self._engine.connect()
        self.chunks_read.append(number)
        data = self._connection.scalar(select(StoredChunk.data).where(StoredChunk.file_key == self._key,
                                                                      StoredChunk.number == number))
        return bytes(data or b"")

    def close(self):
        if self._connection is not None:
            self._connection.close()
            self._connection = None
        self._chunk = b""
        super().close()
