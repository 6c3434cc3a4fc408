"""The README documents every configuration variable and the demo password."""

import re
from pathlib import Path

from oscart.demo import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parents[1]


def test_readme_documents_every_environment_variable():
    config = (ROOT / "config.py").read_text()
    names = set(re.findall(r"""(?:environ\.get|_env_int|_env_bool)\(\s*["']([A-Z0-9_]+)["']""", config))
    readme = (ROOT / "README.md").read_text()
    assert names, "no variables found in config.py"
    assert sorted(name for name in names if f"`{name}`" not in readme) == []


def test_readme_gives_the_demo_password():
    assert f"`{DEMO_PASSWORD}`" in (ROOT / "README.md").read_text()
