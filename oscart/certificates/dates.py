"""Calendar dates in Brussels: what a certificate prints and when it stops being valid."""

import calendar


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
