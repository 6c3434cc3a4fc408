"""Parts that features add to the trainee's dashboard, which the main feature reads in one statement.

``add_part(name, build)``: ``build() -> (statement, order_by)`` with the parameters user_id and now (see
``oscart.core.database.SelectsInOne``); the part's rows reach the template as ``extra[name]``.
"""

_parts = {}


def add_part(name, build):
    _parts[name] = build


def parts():
    return dict(_parts)
