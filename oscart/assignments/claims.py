"""Each reminder once: a row in ReminderSent is inserted before the mail is queued, in the same transaction.

The insert skips keys that exist (ON CONFLICT DO NOTHING) and returns the ones it added: a second run, or a
second worker at the same moment, gets nothing back for a key that is already taken (on PostgreSQL the second
insert waits for the first transaction and then skips the key), so it queues no mail for it.
"""

from sqlalchemy.dialects import postgresql, sqlite

from oscart.assignments.models import ReminderSent
from oscart.core.database import utcnow
from oscart.core.extensions import db

_BATCH = 500


def claim(kind, keys):
    """The keys (user id, subject, period) among ``keys`` that this run may remind of now; the rest were sent."""
    keys = sorted(set(keys))
    if not keys:
        return set()
    insert = postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else sqlite.insert
    now, claimed = utcnow(), set()
    for start in range(0, len(keys), _BATCH):
        values = [{"kind": kind, "user_id": user_id, "subject": subject, "period": period, "sent_at": now}
                  for user_id, subject, period in keys[start:start + _BATCH]]
        statement = (insert(ReminderSent).values(values)
                     .on_conflict_do_nothing(index_elements=["kind", "user_id", "subject", "period"])
                     .returning(ReminderSent.user_id, ReminderSent.subject, ReminderSent.period))
        claimed.update(tuple(row) for row in db.session.execute(statement))
    return claimed
