"""Signals through which a feature tells the features above it what happened, without importing them.

Every receiver runs inside the sender's transaction and never commits.

- ``people_changed.send(company_id, user_ids=[...], actor=user_or_None)``: after a change to a company's people is
  flushed: a person joined (invitation accepted, import), their groups or job role changed, or they were deactivated
  or reactivated (required training and reminders follow up on it).
- ``course_completed.send(enrolment, actor=...)``: inside the transaction that completes an enrolment; receivers
  may add rows (a certificate).
- ``remember_me_chosen.send(user, ip=...)``: a login asked to be remembered, inside the login's transaction (the
  privacy feature records the consent this rests on).
- ``event_recorded.send(action, event=...)``: when the audit log adds an event (``"login.failed"``); receivers must
  not write to the database (metrics count sign-in failures and lockouts).
"""

from blinker import Namespace

_signals = Namespace()

people_changed = _signals.signal("people-changed")
course_completed = _signals.signal("course-completed")
event_recorded = _signals.signal("audit-event-recorded")
remember_me_chosen = _signals.signal("remember-me-chosen")
