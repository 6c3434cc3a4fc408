"""Links in mails, calendars, QR codes and PDFs: one ``external_url`` builds them from the endpoint on the public
base URL, in a request or not, and no module builds one from PUBLIC_BASE_URL by hand again."""

import ast
from pathlib import Path

from flask import url_for

from oscart.core.urls import external_url
from tests.test_templating import sample_value

ROOT = Path(__file__).resolve().parents[1]
HOME = ROOT / "oscart" / "core" / "urls.py"


def test_outside_a_request_the_link_is_on_the_public_base_url(app):
    assert external_url("auth.reset_password", token="abc") == "https://portal.oscart.example/reset/abc"


def test_a_base_url_with_a_path_prefix_keeps_it(app, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://example.org/portal")
    assert external_url("training.course", course_id=5) == "https://example.org/portal/training/courses/5"


def test_other_values_become_the_query_string_and_none_is_left_out(app):
    assert external_url("certificates.company", status="expiring", within=30, page=None) == \
        "https://portal.oscart.example/certificates/company?status=expiring&within=30"


def test_in_a_request_the_host_it_came_to_does_not_matter(app):
    with app.test_request_context("/", base_url="http://intranet.local/other/"):
        assert external_url("classroom.session", session_id=3) == "https://portal.oscart.example/classroom/sessions/3"


def test_every_route_gets_the_path_flask_builds(app, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "http://example.org:8080/portal")
    with app.test_request_context("/", base_url="http://example.org:8080/portal/"):
        for rule in app.url_map.iter_rules():
            values = {name: sample_value(converter) for name, converter in rule._converters.items()}
            assert external_url(rule.endpoint, **values) == url_for(rule.endpoint, _external=True, **values)


def _hand_built_links(path, source=None):
    tree = ast.parse(path.read_text() if source is None else source, filename=str(path))
    return sorted(f"{path.relative_to(ROOT)}:{node.lineno}" for node in ast.walk(tree)
                  if (isinstance(node, ast.Constant) and node.value == "PUBLIC_BASE_URL")
                  or (isinstance(node, ast.keyword) and node.arg == "_external"))


def test_no_module_builds_a_link_by_hand():
    """Only oscart/core/urls.py reads PUBLIC_BASE_URL, and nothing asks url_for for an external URL (it takes the
    request's host, and fails outside a request): every other link is ``external_url``."""
    wrong = [place for path in sorted((ROOT / "oscart").rglob("*.py")) if path != HOME
             for place in _hand_built_links(path)]
    assert not wrong


def test_the_check_sees_a_link_built_by_hand():
    path = ROOT / "oscart" / "example.py"
    source = ('link = current_app.config["PUBLIC_BASE_URL"] + "/verify/" + code\n'
              'other = url_for("training.course", course_id=1, _external=True)\n')
    assert _hand_built_links(path, source) == ["oscart/example.py:1", "oscart/example.py:2"]


def test_no_template_builds_a_link_by_hand():
    wrong = [str(path.relative_to(ROOT)) for path in sorted((ROOT / "templates").rglob("*"))
             if path.is_file() and path.suffix in {".html", ".txt", ".ics"}
             and ("PUBLIC_BASE_URL" in path.read_text() or "_external" in path.read_text())]
    assert not wrong
