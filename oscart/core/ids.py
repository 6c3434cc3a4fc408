"""Ids from URLs, query strings and forms, limited to what an id column can hold.

A number beyond a signed 64-bit integer reaches no row, but SQLite's driver refuses it (OverflowError) and
PostgreSQL may too: such input is a 404 (in a path) or a field error (in a query string or form), never a 500.
"""

from werkzeug.routing import IntegerConverter

MAX_ID = 2**63 - 1


class IdConverter(IntegerConverter):
    """Werkzeug's ``int`` converter, bounded to a signed 64-bit integer: a larger number matches no rule (404)."""

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
