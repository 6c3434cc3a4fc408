"""Signals other parts of the portal listen to (metrics count sign-in failures and lockouts)."""

from blinker import Namespace

_signals = Namespace()

# Sent when record_event adds an event: sender is the action (``"login.failed"``), with event=.
# Receivers must not write to the database.
event_recorded = _signals.signal("audit-event-recorded")
