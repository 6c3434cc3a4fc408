"""Ids from URLs, query strings and forms, limited to what an id column can hold.

Every id column is an ``Integer``: 32 bits on PostgreSQL, which refuses a larger value in a comparison
("integer out of range"), as SQLite's driver refuses one beyond 64 bits. A larger number cannot name a row:
in a path it matches no rule (404), in a query string or form it is a field error, never a 500.
"""

from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # the largest Integer on PostgreSQL; raise it with the id columns


class IdConverter(IntegerConverter):
    """Werkzeug's ``int`` converter, bounded to MAX_ID: a larger number matches no rule (404)."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_ID, signed=False):
        super().__init__(map, fixed_digits, -MAX_ID - 1 if min is None and signed else min, max, signed)


def init_app(app):
    """Register the converter as ``int`` (before any blueprint adds its rules)."""
    app.url_map.converters["int"] = IdConverter


def coerce_id(value):
    """``int(value)`` for an id or a number in 0…MAX_ID; ValueError otherwise.

    Use it as the ``coerce`` of SelectFields and the ``type`` of ``request.args.get``: WTForms turns the error
    into a field error and keeps the field's default, ``request.args.get`` returns its default.
    """
    number = int(value)
    if not 0 <= number <= MAX_ID:
        raise ValueError(f"{value!r} is not an id")
    return number
