"""CSV export of audit events, safe to open in a spreadsheet."""

import csv
import io
import json
from zoneinfo import ZoneInfo

BRUSSELS = ZoneInfo("Europe/Brussels")
HEADER = ("time (Europe/Brussels)", "action", "by", "about", "company", "ip", "target", "details", "seq")
# A cell starting with one of these is read as a formula by spreadsheets; prefix it with a quote.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def csv_rows(rows):
    """Yield the CSV text line by line (header first), so a large export streams."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(values):
        writer.writerow([neutralise(v) for v in values])
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    yield "\ufeff" + line(HEADER)  # BOM: spreadsheets then read the file as UTF-8
    for row in rows:
        yield line((row.at.astimezone(BRUSSELS).strftime("%Y-%m-%d %H:%M:%S"), row.action, row.actor_email,
                    row.subject_email, row.company_name, row.ip, row.target,
                    json.dumps(row.details or {}, ensure_ascii=False, sort_keys=True), row.seq))
