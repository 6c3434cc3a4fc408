"""The classroom blueprint: its routes live in views_trainee (registering), views_staff (planning,
attendance sheets, review, exports), views_cancel (cancelling a registration or a session), views_calendar
(calendar files and personal calendar feeds), views_checkin (self check-in) and views_signatures (signing on
the tablet)."""

from oscart.classroom import (  # noqa: F401
    views_calendar,
    views_cancel,
    views_checkin,
    views_signatures,
    views_staff,
    views_trainee,
)
from oscart.classroom.blueprint import bp  # noqa: F401
