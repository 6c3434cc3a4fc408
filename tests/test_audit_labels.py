"""Every action the portal records in the audit trail has a readable name (translated like every message)."""

import re
from pathlib import Path

from oscart.audit.labels import ACTION_LABELS

# Literal action names as the code passes them: record_event("x", …), _audit("x", …), action="x", "x" if … else "y".
ACTION = re.compile(r'(?:record_event\(\s*|_audit\(\s*|action=|REDACTED_ACTION = |else )"([a-z_]+\.[a-z_]+)"')


def recorded_actions(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}  # url_for("a" if … else "b") is no action
    actions = set()
    for path in Path("oscart").rglob("*.py"):
        actions.update(ACTION.findall(path.read_text()))
    return actions - endpoints


def test_every_recorded_action_has_a_label(app):
    actions = recorded_actions(app)
    assert {"login.failed", "certificate.issued", "consent.withdrawn", "classroom.session_changed"} <= actions
    assert sorted(actions - set(ACTION_LABELS)) == []
