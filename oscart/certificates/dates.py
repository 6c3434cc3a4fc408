"""Calendar dates in Brussels: what a certificate prints and when it stops being valid."""

import calendar
from datetime import date, datetime
from zoneinfo import ZoneInfo

from oscart.core.database import utcnow
from oscart.core.i18n import TIMEZONE

BRUSSELS = ZoneInfo(TIMEZONE)


def today():
    return utcnow().astimezone(BRUSSELS).date()


def local_date(value):
    """The Brussels calendar date of a datetime (naive values are taken as UTC), or a date as it is."""
    if value is None or (isinstance(value, date) and not isinstance(value, datetime)):
        return value
    if value.tzinfo is None:
        value = value.replace(tzinfo=ZoneInfo("UTC"))
    return value.astimezone(BRUSSELS).date()


def add_months(day, months):
    """``day`` plus ``months`` calendar months, clamped to the month's last day (31 Jan + 1 → 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def valid_until(completed_on, validity_months):
    """Last valid day: the same date ``validity_months`` later; None when it never expires."""
    if not validity_months:
        return None
    return add_months(completed_on, validity_months)
