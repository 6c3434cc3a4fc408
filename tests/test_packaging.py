"""A fresh clone installs exactly the tested set: every library the code imports is pinned, and locked alike."""

import ast
import re
import sys
import tomllib
from functools import cache
from importlib import metadata
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RUNTIME_SOURCES = ("oscart", "app.py", "config.py", "migrations")
DEV_SOURCES = ("tests", "bench")
PIN = re.compile(r"^(?P<name>[A-Za-z0-9._-]+)(?:\[[^\]]*\])?==(?P<version>[^\s;]+)$")


def normalised(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def requirements():
    """{"runtime": [...], "dev": [...], "load": [...]} as written in pyproject.toml."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    return {"runtime": project["dependencies"], "dev": extras["dev"], "load": extras["load"]}


def pins(group=None):
    """Distribution name → pinned version, of one group or of both."""
    groups = [group] if group else ["runtime", "dev"]
    found = {}
    for requirement in (line for name in groups for line in requirements()[name]):
        match = PIN.match(requirement.replace(" ", ""))
        if match:
            found[normalised(match["name"])] = match["version"]
    return found


def locked(lock="requirements.lock"):
    """Distribution name → version in a lock file."""
    lines = (ROOT / lock).read_text().splitlines()
    return {normalised(match["name"]): match["version"]
            for match in map(PIN.match, (line.removesuffix("\\").split(";")[0].strip() for line in lines)) if match}


def imported_modules(sources):
    """Top-level module → files, for every import in ``sources`` (function-level ones and importorskip too)."""
    found = {}
    for source in sources:
        path = ROOT / source
        for file in [path] if path.is_file() else sorted(path.rglob("*.py")):
            for node in ast.walk(ast.parse(file.read_text(), str(file))):
                if isinstance(node, ast.Import):
                    names = [alias.name for alias in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0:
                    names = [node.module]
                elif (isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", None))
                      in {"importorskip", "import_module"} and node.args and isinstance(node.args[0], ast.Constant)):
                    names = [node.args[0].value]
                else:
                    continue
                for name in names:
                    found.setdefault(name.split(".")[0], set()).add(str(file.relative_to(ROOT)))
    return found


def third_party(modules):
    own = {name for name in modules if (ROOT / f"{name}.py").is_file() or (ROOT / name / "__init__.py").is_file()}
    return {name: files for name, files in modules.items() if name not in sys.stdlib_module_names and name not in own}


@cache
def installed_distributions():
    return metadata.packages_distributions()


def distributions(module):
    found = {normalised(name) for name in installed_distributions().get(module, [])}
    # The load test's libraries live in .venv-load (`make load`), not where the tests run; each is named as its module.
    return found or {normalised(module)} & set(pins("load"))


def test_every_requirement_is_pinned_to_one_version():
    loose = [line for group in requirements().values() for line in group if not PIN.match(line.replace(" ", ""))]
    assert loose == []


@pytest.mark.parametrize(("sources", "group"), [(RUNTIME_SOURCES, "runtime"), (DEV_SOURCES, None)],
                         ids=["portal-needs-runtime-pins", "tests-and-bench"])
def test_every_third_party_import_is_a_pinned_distribution(sources, group):
    modules = third_party(imported_modules(sources))
    assert "flask" in modules
    pinned = pins(group) if group else {**pins(), **pins("load")}
    unpinned = {module: sorted(files)[:3] for module, files in modules.items()
                if not distributions(module) & set(pinned)}
    assert unpinned == {}


def test_every_pin_is_locked_at_the_same_version():
    lock = locked()
    assert {name: (version, lock.get(name)) for name, version in pins().items() if lock.get(name) != version} == {}


def test_the_load_test_lock_has_the_same_pins_plus_its_own():
    """bench/load/requirements.lock (`make lock`) holds requirements.lock's versions and the load group's pins."""
    lock, load_lock = locked(), locked("bench/load/requirements.lock")
    assert {name: (version, load_lock.get(name)) for name, version in lock.items()
            if name in load_lock and load_lock[name] != version} == {}
    assert {name: (version, load_lock.get(name)) for name, version in pins("load").items()
            if load_lock.get(name) != version} == {}


def test_the_tests_run_on_the_pinned_versions():
    """`make` installs from the lock; a pin changed without `make lock` and `make install` shows here."""
    installed = {name: metadata.version(name) for name in pins()}
    assert {name: (version, installed[name]) for name, version in pins().items() if installed[name] != version} == {}
