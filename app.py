"""WSGI entry point: `flask --app app …` and `gunicorn app:app`."""

import gc

from oscart import create_app

app = create_app()

# Everything built so far (routes, mappers, compiled templates, catalogues) lives as long as the process:
# keep it out of the garbage collector's full collections, which would otherwise walk it again and again.
gc.freeze()
