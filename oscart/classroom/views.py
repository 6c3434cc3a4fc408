"""The classroom blueprint: its routes live in views_trainee (registering), views_staff (planning,
attendance sheets, review, exports), views_cancel (cancelling a registration or a session) and views_calendar
(calendar files and personal calendar feeds)."""

from oscart.classroom import views_calendar, views_cancel, views_checkin, views_staff, views_trainee  # noqa: F401
from oscart.classroom.blueprint import bp  # noqa: F401
