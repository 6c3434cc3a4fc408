"""A lesson video of 200 MB served by the portal: memory stays flat while it streams, and a seek reads only its part.

    .venv/bin/python -m bench.media_stream                      # SQLite file /tmp/oscart-media-bench.db
    .venv/bin/python -m bench.media_stream --database-url postgresql+psycopg://postgres@127.0.0.1:5432/db

The database is EMPTIED and built with create_all. A 200 MB file (an MP4 header, then zero bytes) is stored once
in each storage (database chunks, then a folder), the storage reading it from a file on disk as an upload spooled
by Werkzeug would be. Then, as a logged-in learner through the WSGI app: the whole file streamed (as a player
that does not seek), and a Range request of 1 MB in the middle (a seek). Printed per storage: the time, the
bytes received and the peak of Python memory during each (tracemalloc), and the chunks the seek read.
"""

import argparse
import tempfile
import time
import tracemalloc

DEFAULT_DATABASE = "sqlite:////tmp/oscart-media-bench.db"
MEGABYTE = 1024 * 1024
HEADER = b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00isomiso2"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=DEFAULT_DATABASE)
    parser.add_argument("--megabytes", type=int, default=200)
    return parser.parse_args(argv)


def measured(action):
    tracemalloc.start()
    started = time.perf_counter()
    try:
        result = action()
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return result, time.perf_counter() - started, peak


def main(argv=None):
    args = parse_args(argv)
    from app import create_app
    from oscart.core import storage
    from oscart.core.extensions import db
    from tests.factories import lesson_ids, make_elearning_course, make_enrolment, make_user

    folder = tempfile.mkdtemp(prefix="oscart-media-bench-")
    app = create_app({"SQLALCHEMY_DATABASE_URI": args.database_url, "TESTING": True, "FILE_STORAGE_PATH": folder})
    size = args.megabytes * MEGABYTE
    with app.app_context():
        db.drop_all()
        db.create_all()
        course = make_elearning_course(titles={"nl": "Bench"}, lessons=1)
        learner = make_user()
        make_enrolment(learner, course)
        lesson_id = lesson_ids(course)[0]
        with tempfile.TemporaryFile() as upload:
            upload.write(HEADER)
            upload.truncate(size)
            for backend in storage.BACKENDS:
                app.config["FILE_STORAGE"] = backend
                run(app, db, storage, upload, lesson_id, learner, backend, size)


def run(app, db, storage, upload, lesson_id, learner, backend, size):
    from oscart.auth.services import start_session
    from oscart.training.media_models import LessonMedia

    db.session.execute(LessonMedia.__table__.delete())
    db.session.execute(storage.StoredFile.__table__.delete())
    stored, seconds, peak = measured(lambda: storage.save(upload))
    row = LessonMedia(lesson_id=lesson_id, language="nl", role="video", file_key=stored.key,
                      content_type="video/mp4", size_bytes=stored.size_bytes)
    db.session.add(row)
    record = start_session(learner, remember=False, ip="127.0.0.1", user_agent="bench")
    db.session.commit()
    print(f"{backend}: stored {size // MEGABYTE} MB in {seconds:.1f} s, peak {peak / MEGABYTE:.1f} MB")
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = record.token
        session["_fresh"] = True
    url = f"/training/media/{row.id}"

    def whole():
        response = client.get(url, buffered=False)
        received = sum(len(block) for block in response.response)
        response.close()
        return received

    received, seconds, peak = measured(whole)
    print(f"{backend}: whole file {received // MEGABYTE} MB in {seconds:.2f} s "
          f"({received / MEGABYTE / seconds:.0f} MB/s), peak {peak / MEGABYTE:.1f} MB")
    opened = []
    real_open = storage.open_file
    storage.open_file = lambda key: opened.append(real_open(key)) or opened[-1]
    middle = size // 2

    def seek():
        response = client.get(url, buffered=False, headers={"Range": f"bytes={middle}-{middle + MEGABYTE - 1}"})
        received = sum(len(block) for block in response.response)
        response.close()
        return response.status_code, received

    try:
        (status, received), seconds, peak = measured(seek)
    finally:
        storage.open_file = real_open
    chunks = getattr(opened[0][0], "chunks_read", None)
    print(f"{backend}: Range of 1 MB in the middle: {status}, {received} bytes in {seconds * 1000:.0f} ms, "
          f"peak {peak / MEGABYTE:.1f} MB" + (f", chunks read {chunks}" if chunks is not None else ""))


if __name__ == "__main__":
    main()
