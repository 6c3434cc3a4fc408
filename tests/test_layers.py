"""Dependencies go one way (docs/architecture.md): core imports no feature, and a feature imports only core and the
features before it in ``oscart.FEATURES``. Every import statement counts, those inside functions too, and so does a
string that names a module of the package (``import_module("oscart.certificates.bulk")``, a list of modules to
load later): it is an import by another name."""

import ast
from pathlib import Path

import pytest

from oscart import FEATURES

PACKAGE = Path(__file__).resolve().parents[1] / "oscart"
RANK = {name.removeprefix("oscart."): rank for rank, name in enumerate(FEATURES)}
CORE = "core"


def _layer(path):
    """"core", a feature's name, or None for the factory (oscart/__init__.py)."""
    parts = path.relative_to(PACKAGE).parts
    return parts[0] if len(parts) > 1 else None


def _imported_modules(path, source=None):
    tree = ast.parse(path.read_text() if source is None else source, filename=str(path))
    package = ".".join(("oscart", *path.relative_to(PACKAGE).parent.parts))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module
            yield node.lineno, module
            for alias in node.names:  # "from oscart import training" imports the feature itself
                yield node.lineno, f"{module}.{alias.name}"
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and _names_a_module(node.value):
            yield node.lineno, node.value


def _names_a_module(text):
    """True for "oscart.<…>" naming a module or package in oscart/ (not a task, signal or logger name)."""
    parts = text.split(".")
    if parts[0] != "oscart" or len(parts) < 2 or not all(part.isidentifier() for part in parts):
        return False
    path = PACKAGE.joinpath(*parts[1:])
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _imports():
    for path in sorted(PACKAGE.rglob("*.py")):
        for line, module in _imported_modules(path):
            parts = module.split(".")
            if parts[0] == "oscart" and len(parts) > 1 and (parts[1] in RANK or parts[1] == CORE):
                yield path, line, parts[1], module


def _where(path, line, module):
    return f"{path.relative_to(PACKAGE.parent)}:{line} imports {module}"


def test_every_package_is_core_or_a_listed_feature():
    packages = {path.parent.name for path in PACKAGE.glob("*/__init__.py")}
    assert packages - {CORE} == set(RANK), "add the feature to oscart.FEATURES (in its place in the order)"


def test_no_shared_module_outside_core():
    assert [path.name for path in PACKAGE.glob("*.py")] == ["__init__.py"], "shared mechanisms go in oscart/core/"


def test_core_imports_no_feature():
    wrong = [_where(path, line, module) for path, line, target, module in _imports()
             if _layer(path) == CORE and target != CORE]
    assert not wrong


def test_features_import_only_downwards():
    wrong = [_where(path, line, module) for path, line, target, module in _imports()
             if _layer(path) in RANK and target in RANK and RANK[target] > RANK[_layer(path)]]
    assert not wrong


@pytest.mark.parametrize("feature", FEATURES)
def test_each_feature_plugs_itself_in(feature):
    source = (PACKAGE / feature.removeprefix("oscart.") / "__init__.py").read_text()
    assert "def init_app(app)" in source


def test_the_check_sees_function_level_and_relative_imports():
    """An import inside a function (the usual way round a cycle) counts like one at the top."""
    source = "def f():\n    from oscart.certificates.models import Certificate\n    from ..classroom import models\n"
    found = {name for _line, name in _imported_modules(PACKAGE / "training" / "example.py", source)}
    assert {"oscart.certificates.models", "oscart.classroom.models"} <= found


def test_the_check_sees_modules_named_in_strings():
    """A lower feature importing a higher one by name when it runs (a list of modules to load) counts too."""
    source = 'MODULES = ("oscart.certificates.bulk",)\nTASK = "oscart.certificates.remind"\n'
    found = {name for _line, name in _imported_modules(PACKAGE / "jobs" / "example.py", source)}
    assert found == {"oscart.certificates.bulk"}  # a task's name is not a module
