"""Signals other features listen to (certificates issue on completion)."""

from blinker import Namespace

_signals = Namespace()

# Sent inside the transaction that completes an enrolment: sender is the Enrolment, with actor=.
# Receivers may add rows (a certificate) but must not commit.
course_completed = _signals.signal("course-completed")
