"""iCalendar (.ics) invitations for a session: one event per part, times in UTC (RFC 5545).

Sent as iTIP messages (RFC 5546): ``METHOD:REQUEST`` adds or updates the events in the attendee's calendar,
``METHOD:CANCEL`` removes them. Each event names the portal as ORGANIZER and the recipient as ATTENDEE, and
carries the ``SEQUENCE`` the caller gives: calendars ignore a message whose SEQUENCE is lower than one they
have seen for the UID, so it must never go back (see ``Registration.calendar_sequence``).
"""

from email.utils import parseaddr

from flask import current_app

from oscart.core.database import utcnow

PRODID = "-//Oscart Group NV//Training portal//EN"
REQUEST = "REQUEST"
# A calendar to add or subscribe to, not a message to an attendee (RFC 5546 §3.2.1).
PUBLISH = "PUBLISH"
CANCEL = "CANCEL"


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


def _address(name, email):
    """``;CN="name":mailto:email`` (a parameter value is quoted and may not hold quotes or control characters)."""
    name = "".join(char for char in name or "" if char != '"' and char.isprintable())
    return f';CN="{name}":mailto:{email}' if name else f":mailto:{email}"


def _organizer():
    name, email = parseaddr(current_app.config["MAIL_DEFAULT_SENDER"])
    return "ORGANIZER" + _address(name or "Oscart Group NV", email)


def session_calendar(session, parts, *, title, url="", cancelled=False, sequence=0, attendee=None, now=None):
    """Bytes of an .ics file with one VEVENT per part of ``session``; ``attendee``: (name, e-mail) or None."""
    people = [_organizer()]
    if attendee is not None:
        status = "" if cancelled else ";PARTSTAT=ACCEPTED"
        people.append(f"ATTENDEE;ROLE=REQ-PARTICIPANT{status};RSVP=FALSE" + _address(*attendee))
    lines = []
    for part in parts:
        lines += vevent(session, part, title=title, url=url, status="CANCELLED" if cancelled else "CONFIRMED",
                        sequence=sequence, people=people, now=now)
    return calendar_bytes(lines, CANCEL if cancelled else REQUEST)


def vevent(session, part, *, title, url="", status="CONFIRMED", sequence=0, people=(), now=None):
    """The lines of one part's VEVENT; its UID is the same in every message and feed that names the part."""
    lines = [
        "BEGIN:VEVENT",
        f"UID:classroom-{session.id}-part-{part.id}@oscart.example",
        f"DTSTAMP:{_stamp(now or utcnow())}",
        f"DTSTART:{_stamp(part.starts_at)}",
        f"DTEND:{_stamp(part.ends_at)}",
        f"SUMMARY:{_escape(title)}",
        f"LOCATION:{_escape(session.place or session.meeting_url)}",
        f"STATUS:{status}",
        f"SEQUENCE:{sequence}",
        *people,
    ]
    if session.meeting_url or url:
        lines.append(f"URL:{session.meeting_url or url}")
    lines.append("END:VEVENT")
    return lines


def calendar_bytes(lines, method, *, name=None):
    """A whole VCALENDAR around the ``lines`` of its events, folded, as UTF-8; ``name``: shown by calendar apps."""
    head = [f"X-WR-CALNAME:{_escape(name)}", "REFRESH-INTERVAL;VALUE=DURATION:PT1H", "X-PUBLISHED-TTL:PT1H"] \
        if name else []
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", f"PRODID:{PRODID}", "CALSCALE:GREGORIAN", f"METHOD:{method}",
             *head, *lines, "END:VCALENDAR"]
    return ("\r\n".join(_fold(line) for line in lines) + "\r\n").encode("utf-8")


def invitation(session, parts, *, title, url="", cancelled=False, sequence=0, attendee=None):
    """The attachment ``(filename, content type, bytes)``; the content type names the same METHOD as the body."""
    method = CANCEL if cancelled else REQUEST
    data = session_calendar(session, parts, title=title, url=url, cancelled=cancelled, sequence=sequence,
                            attendee=attendee)
    return "session.ics", f"text/calendar; charset=utf-8; method={method}", data
