"""The daily follow-up of required training: the next rounds that have come, then every reminder due."""

from oscart.assignments import cells
from oscart.assignments.applying import end_orphans
from oscart.assignments.cycles import start_next_rounds
from oscart.assignments.digest import send_digests
from oscart.assignments.reminders import (
    send_due_soon,
    send_overdue,
    send_overdue_to_managers,
    send_session_reminders,
)
from oscart.core import local_time
from oscart.core.database import utcnow
from oscart.core.extensions import db


def send_reminders(*, now=None):
    """Every reminder that is due now, each once; returns {kind: mails queued}."""
    now = now or utcnow()
    return {"due_soon": send_due_soon(now), "overdue": send_overdue(now),
            "overdue_manager": send_overdue_to_managers(now), "session_tomorrow": send_session_reminders(now),
            "digest": send_digests(now)}


def follow_up(*, now=None):
    """End what deleted groups and job roles no longer require, start the next rounds of rules that repeat, send
    the reminders, then rewrite the training matrix's cells whose status changed with time; returns {what: count}."""
    now = now or utcnow()
    done = {"ended": end_orphans(), "renewed": start_next_rounds(today=local_time.local_date(now)),
            **send_reminders(now=now)}
    return {**done, "cells": cells.refresh(db.session.connection())}
