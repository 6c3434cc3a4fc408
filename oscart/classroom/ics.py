"""iCalendar (.ics) invitations for a session: one event per part, times in UTC (RFC 5545)."""

from oscart.database import utcnow

PRODID = "-//Oscart Group NV//Training portal//EN"


def _escape(text):
    return (text or "").replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\r\n", "\\n") \
        .replace("\n", "\\n").replace("\r", "\\n")


def _fold(line):
    """Lines longer than 75 octets continue on the next line after a space."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    chunks, current = [], b""
    for char in line:
        encoded = char.encode("utf-8")
        if len(current) + len(encoded) > (75 if not chunks else 74):
            chunks.append(current.decode("utf-8"))
            current = b""
        current += encoded
    chunks.append(current.decode("utf-8"))
    return "\r\n ".join(chunks)


def _stamp(moment):
    return moment.strftime("%Y%m%dT%H%M%SZ")


def session_calendar(session, parts, *, title, url="", cancelled=False, now=None):
    """Bytes of an .ics file with one VEVENT per part of ``session``."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN",
             f"METHOD:{'CANCEL' if cancelled else 'PUBLISH'}"]
    location = session.place or session.meeting_url
    for part in parts:
        lines += [
            "BEGIN:VEVENT",
            f"UID:classroom-{session.id}-part-{part.id}@oscart.example",
            f"DTSTAMP:{_stamp(now or utcnow())}",
            f"DTSTART:{_stamp(part.starts_at)}",
            f"DTEND:{_stamp(part.ends_at)}",
            f"SUMMARY:{_escape(title)}",
            f"LOCATION:{_escape(location)}",
            f"STATUS:{'CANCELLED' if cancelled else 'CONFIRMED'}",
            f"SEQUENCE:{1 if cancelled else 0}",
        ]
        if session.meeting_url or url:
            lines.append(f"URL:{session.meeting_url or url}")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return ("\r\n".join(_fold(line) for line in lines) + "\r\n").encode("utf-8")
