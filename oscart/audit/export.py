"""The cells of the audit events export (written as CSV or XLSX by ``oscart.core.tabular``)."""

import json
from zoneinfo import ZoneInfo

BRUSSELS = ZoneInfo("Europe/Brussels")
HEADER = ("time (Europe/Brussels)", "action", "by", "about", "company", "ip", "target", "details", "seq")


def export_rows(rows):
    """One tuple of cells per event, in HEADER's order, read lazily so that a large export streams."""
    for row in rows:
        yield (row.at.astimezone(BRUSSELS).strftime("%Y-%m-%d %H:%M:%S"), row.action, row.actor_email,
               row.subject_email, row.company_name, row.ip, row.target,
               json.dumps(row.details or {}, ensure_ascii=False, sort_keys=True), row.seq)
