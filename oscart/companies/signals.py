"""What happens to a company's people, for the features that follow up on it (required training, reminders).

Senders call ``people_changed.send(company_id, user_ids=[...], actor=user_or_None)`` after the change is flushed, in
the same transaction: a person joined (invitation accepted, import), their groups or job role changed, or they were
deactivated or reactivated. Receivers must not commit.
"""

from blinker import Namespace

_signals = Namespace()

people_changed = _signals.signal("people-changed")
