"""Tracking (see tracking.py) of ORM INSERT, UPDATE and DELETE statements: ``session.execute(delete(GroupMember)
.where(...))`` and the like. The rows an UPDATE or DELETE writes are read before it runs, those of an INSERT come
from its values."""

from sqlalchemy import select

from oscart.assignments.tracking import PAUSED, WATCHED, Changes, after_change, before_change


def on_execute(execute_state):
    if not (execute_state.is_insert or execute_state.is_update or execute_state.is_delete):
        return None
    session = execute_state.session
    mapper = execute_state.bind_mapper
    if session.info.get(PAUSED) or mapper is None or mapper.class_ not in WATCHED:
        return None
    model = mapper.class_
    columns, keys = WATCHED[model]
    change = "new" if execute_state.is_insert else "dirty" if execute_state.is_update else "deleted"
    changed = columns
    if execute_state.is_update:
        changed = columns & _set_columns(execute_state)
        if not changed:
            return None
    if session.autoflush:
        session.flush()  # as the statement would, but before its rows are read
    connection = session.connection()
    changes = Changes()
    for row in _statement_rows(connection, execute_state, model, keys):
        changes.add(model, {name: {row.get(name)} - {None} for name in keys}, change, changed)
    units = changes.resolve(connection)
    if not units:
        return None
    before = before_change(connection, units)
    result = execute_state.invoke_statement()  # its cursor is its own: statements after it leave its rows alone
    after_change(connection, units, before)
    return result


def _parameters(execute_state):
    parameters = execute_state.parameters
    if isinstance(parameters, dict):
        return [parameters]
    return list(parameters or [])


def _set_columns(execute_state):
    names = {getattr(key, "key", key) for key in (getattr(execute_state.statement, "_values", None) or {})}
    for parameters in _parameters(execute_state)[:1]:
        names.update(parameters)
    return names


def _statement_rows(connection, execute_state, model, keys):
    """{key column: value} of every row the statement writes: from its values for an INSERT, read before it runs
    for an UPDATE or DELETE."""
    statement = execute_state.statement
    if execute_state.is_insert:
        values = {getattr(key, "key", key): getattr(value, "value", value)
                  for key, value in (getattr(statement, "_values", None) or {}).items()}
        return [{**values, **parameters} for parameters in (_parameters(execute_state) or [{}])]
    query = select(*(getattr(model, name) for name in keys))
    by_key = [parameters["id"] for parameters in _parameters(execute_state) if "id" in parameters]
    if statement.whereclause is not None:
        query = query.where(statement.whereclause)
    elif by_key:  # an UPDATE of rows by primary key, one set of values each
        query = query.where(model.id.in_(by_key))
    return [row._asdict() for row in connection.execute(query)]
