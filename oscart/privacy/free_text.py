"""Erasure inside free text: the person's name and e-mail address are replaced wherever they were written.

Every free-text column is registered by its feature (``registry.free_text``). Candidate rows are found in SQL
with a case-insensitive LIKE per identifying text, so the cost follows the rows that mention the person, not
the table sizes; the replacement itself matches whole words only, so "Anna" never touches "Annabel".
"""

import re

from sqlalchemy import String, cast, func, or_, select, update

from oscart.core import personal_data as registry
from oscart.core.database import LIKE_ESCAPE, contains_pattern
from oscart.core.extensions import db
from oscart.privacy.audit_data import ERASED


def identifiers(user, *, mentions_people):
    """Texts that identify ``user``, longest first (the full name before its parts)."""
    texts = {user.email, user.full_name, f"{user.last_name} {user.first_name}"}
    if mentions_people:
        texts |= {user.first_name, user.last_name}
    return sorted((text for text in texts if text and len(text.strip()) >= 3), key=len, reverse=True)


def replace_identifiers(value, texts):
    """``value`` (a string, or JSON made of dicts, lists and strings) with every whole-word mention replaced."""
    if isinstance(value, str):
        for text in texts:
            value = re.sub(rf"(?<!\w){re.escape(text)}(?!\w)", ERASED, value, flags=re.IGNORECASE)
        return value
    if isinstance(value, dict):
        return {key: replace_identifiers(item, texts) for key, item in value.items()}
    if isinstance(value, list):
        return [replace_identifiers(item, texts) for item in value]
    return value


def scrub_free_texts(user, *, legal_hold):
    """Replace the person's identifiers in every registered free-text column; returns the values changed."""
    changed = 0
    for entry in registry.free_texts().values():
        if legal_hold and entry.kept_under_legal_hold:
            continue
        changed += _scrub_column(entry.column, identifiers(user, mentions_people=entry.mentions_people))
    return changed


def _scrub_column(column, texts):
    model = column.class_
    key = model.__mapper__.primary_key[0]
    searchable = func.lower(cast(column, String))
    # JSON may store accented letters escaped, which LIKE cannot see: those (small) tables are read whole.
    is_json = column.type.__class__.__name__ == "JSON"
    condition = None if is_json else or_(*(searchable.like(contains_pattern(text.lower()), escape=LIKE_ESCAPE)
                                         for text in texts))
    query = select(key, column) if condition is None else select(key, column).where(condition)
    changed = 0
    for row_id, value in db.session.execute(query).all():
        new = replace_identifiers(value, texts)
        if new != value:
            db.session.execute(update(model).where(key == row_id).values({column.key: new})
                               .execution_options(synchronize_session=False))
            changed += 1
    return changed
