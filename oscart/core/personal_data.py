"""Export and erasure registries: each feature plugs in the personal data of its own tables.

An exporter is ``func(user) -> data`` (JSON-able) or ``-> Export(data, files)`` where files are
``(name, bytes)`` pairs put in the archive (certificate PDFs, a photo). An eraser is
``func(user, *, legal_hold) -> int`` (rows changed); it anonymises or deletes the user's rows inside the
caller's transaction and never commits. A feature names the module that registers its data in its
``init_app`` (``personal_data.add_module(__name__ + ".privacy_data")``); create_app imports them all once the
features are set up, in the order added (a module added with ``first=True`` goes before the others), so that
order is the order of the export and of erasure, and a module that fails to import stops the app::

    @exporter("enrolments", _l("Courses you follow and your progress"), retention="anonymised_records")
    def export_enrolments(user): ...

    @eraser("enrolments")
    def erase_enrolments(user, *, legal_hold): ...

Free-text columns (notes, reasons, news, course texts, questions) are registered with ``free_text(...)``:
erasure replaces the person's name and e-mail address inside them (``oscart.privacy.free_text``). What must
stay for a legal reason although it names the person is registered with ``retained(...)`` and listed on the
privacy statement with its reason and period.

A purger ``func(user_ids, *, dry_run) -> int`` deletes the rows that erasure kept anonymised for
statistics, once the "anonymised_records" retention period has passed; ``user_ids`` is a select of ids.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from importlib import import_module

from oscart.core.extensions import db

# Modules that register exporters and erasers, added by the features' init_app.
_modules = []


@dataclass
class Export:
    data: object
    files: list = field(default_factory=list)


@dataclass(frozen=True)
class Category:
    key: str
    label: object
    description: object
    func: object
    retention: str | None = None


@dataclass(frozen=True)
class FreeText:
    """A column of free text. ``mentions_people``: notes and reasons written about people, where a first or
    last name alone is replaced too (in authored content only the full name and the e-mail address are).
    ``kept_under_legal_hold``: the text is part of the record a legal hold keeps as it is."""

    column: object
    mentions_people: bool = False
    kept_under_legal_hold: bool = False


@dataclass(frozen=True)
class Retained:
    key: str
    label: object
    reason: object
    period: object


_exporters = {}
_erasers = {}
_purgers = {}
_free_texts = {}
_retained = {}


def exporter(key, label, description="", *, retention=None):
    def decorator(func):
        _exporters[key] = Category(key, label, description, func, retention)
        return func

    return decorator


def eraser(key):
    def decorator(func):
        _erasers[key] = func
        return func

    return decorator


def purger(key, *, first=False):
    """``first``: run before the purgers registered so far (for rows that reference theirs)."""
    def decorator(func):
        global _purgers
        if first:
            _purgers = {key: func, **{k: f for k, f in _purgers.items() if k != key}}
        else:
            _purgers[key] = func
        return func

    return decorator


def free_text(*columns, mentions_people=False, kept_under_legal_hold=False):
    for column in columns:
        _free_texts[f"{column.class_.__tablename__}.{column.key}"] = FreeText(column, mentions_people,
                                                                              kept_under_legal_hold)


def retained(key, label, reason, period):
    _retained[key] = Retained(key, label, reason, period)


def free_texts():
    load()
    return dict(_free_texts)


def retained_records():
    load()
    return list(_retained.values())


def purgers():
    load()
    return dict(_purgers)


_last_modules = []


def add_module(name, *, first=False, last=False):
    """``last``: after every other module (a feature's data that reads best at the end of the archive)."""
    if name in _modules or name in _last_modules:
        return
    if last:
        _last_modules.append(name)
    else:
        _modules.insert(0, name) if first else _modules.append(name)


def load():
    for module in (*_modules, *_last_modules):
        import_module(module)


def categories():
    load()
    return list(_exporters.values())


def erasers():
    load()
    return dict(_erasers)


def export_user(user):
    """{category key: data} and the files of every category, in registry order."""
    data, files = {}, []
    for category in categories():
        result = category.func(user)
        if isinstance(result, Export):
            data[category.key] = result.data
            files.extend(result.files)
        else:
            data[category.key] = result
    return data, files


def plain(value):
    """A JSON-able form of a column value."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def rows_as_dicts(query):
    return [{key: plain(value) for key, value in row._mapping.items()} for row in db.session.execute(query)]


def identifying_texts(user):
    """The person's e-mail address and names (casefolded, three characters or more) that erasure looks for."""
    texts = {user.email, user.full_name, user.last_name, user.first_name}
    return {text.casefold() for text in texts if text and len(text) >= 3}
