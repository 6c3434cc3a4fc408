"""The portal's one time zone, Europe/Brussels: calendar days, deadlines and wall-clock times of sessions.

Datetimes are stored in UTC; a date a person reads or types is a Brussels date.
"""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from oscart.core.database import utcnow

TIMEZONE = "Europe/Brussels"
BRUSSELS = ZoneInfo(TIMEZONE)


def today():
    return utcnow().astimezone(BRUSSELS).date()


def local_date(value):
    """The Brussels calendar date of a datetime (naive values are taken as UTC), or a date as it is."""
    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(BRUSSELS).date()


def local_to_utc(day, wall_clock):
    """A date and wall-clock time in Brussels as an aware UTC datetime."""
    return datetime.combine(day, wall_clock, tzinfo=BRUSSELS).astimezone(UTC)


def local_day_start(day):
    """The UTC instant a Brussels calendar day starts."""
    return local_to_utc(day, time.min)


def end_of_day(day):
    """A due date means the end of that day in Brussels (23:59)."""
    return datetime.combine(day, time(23, 59), tzinfo=BRUSSELS)
