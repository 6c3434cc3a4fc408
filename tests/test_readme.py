"""The README documents every configuration variable, the demo password, the schedules and the browser tests."""

import re
import subprocess
import sys
from pathlib import Path

import click

from oscart.core.demo import DEMO_PASSWORD

ROOT = Path(__file__).resolve().parents[1]


def test_readme_documents_every_environment_variable():
    config = (ROOT / "config.py").read_text()
    names = set(re.findall(r"""(?:environ\.get|_env_int|_env_bool)\(\s*["']([A-Z0-9_]+)["']""", config))
    readme = (ROOT / "README.md").read_text()
    assert names, "no variables found in config.py"
    assert sorted(name for name in names if f"`{name}`" not in readme) == []


def test_readme_gives_the_demo_password():
    assert f"`{DEMO_PASSWORD}`" in (ROOT / "README.md").read_text()


# Commands run by hand, once or when something happens; every other command is run on a schedule.
ONE_OFF = {"db", "seed-demo", "audit checkpoint", "backup restore", "summaries rebuild"}


def scheduled_commands(group, prefix=()):
    for name, command in group.commands.items():
        path = " ".join((*prefix, name))
        if path in ONE_OFF:
            continue
        if isinstance(command, click.Group):
            yield from scheduled_commands(command, (*prefix, name))
        else:
            yield path


def test_readme_says_how_to_schedule_every_periodic_command(app):
    readme = (ROOT / "README.md").read_text()
    section = readme.split("### Periodic commands", 1)[1].split("\n### ", 1)[0]
    commands = list(scheduled_commands(app.cli))
    assert "certificates remind" in commands
    in_table = [command for command in commands if f"| `flask --app app {command}" in section]
    in_crontab = [command for command in commands
                  if re.search(rf"^[0-9*].*/flask-prod {re.escape(command)}\b", section, re.M)]
    assert (in_table, in_crontab) == (commands, commands)


def test_readme_gives_the_number_of_playwright_tests():
    collected = subprocess.run([sys.executable, "-m", "pytest", "tests/browser", "--collect-only", "-q",
                                "-p", "no:cacheprovider"], cwd=ROOT, capture_output=True, text=True, check=True)
    count = int(re.search(r"^(\d+) tests? collected", collected.stdout, re.M)[1])
    tests_section = (ROOT / "README.md").read_text().split("### Tests", 1)[1]
    assert re.findall(r"(\d+) Playwright tests?", tests_section)[:1] == [str(count)]
