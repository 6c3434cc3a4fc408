"""Export and erasure registries: each feature plugs in the personal data of its own tables.

An exporter is ``func(user) -> data`` (JSON-able) or ``-> Export(data, files)`` where files are
``(name, bytes)`` pairs put in the archive (certificate PDFs, a photo). An eraser is
``func(user, *, legal_hold) -> int`` (rows changed); it anonymises or deletes the user's rows inside the
caller's transaction and never commits. Features register in a module listed in ``MODULES``
(imported lazily, so a feature that is absent in a branch is simply skipped)::

    @exporter("enrolments", _l("Courses you follow and your progress"), retention="anonymised_records")
    def export_enrolments(user): ...

    @eraser("enrolments")
    def erase_enrolments(user, *, legal_hold): ...

A purger ``func(user_ids, *, dry_run) -> int`` deletes the rows that erasure kept anonymised for
statistics, once the "anonymised_records" retention period has passed; ``user_ids`` is a select of ids.
"""

from dataclasses import dataclass, field
from importlib import import_module

# Modules that register exporters and erasers; each feature adds its own.
MODULES = (
    "oscart.privacy.core_data",
    "oscart.training.privacy_data",
    "oscart.classroom.privacy_data",
    "oscart.certificates.privacy_data",
)


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


_exporters = {}
_erasers = {}
_purgers = {}


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


def purgers():
    load()
    return dict(_purgers)


def load():
    for module in MODULES:
        try:
            import_module(module)
        except ModuleNotFoundError as error:
            if error.name != module:  # a missing feature is skipped; a broken one is not
                raise


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
