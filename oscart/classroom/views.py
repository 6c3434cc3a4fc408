"""The classroom blueprint: its routes live in views_trainee (registering) and views_staff (planning,
attendance sheets, review, exports)."""

from oscart.classroom import views_staff, views_trainee  # noqa: F401  (register the routes)
from oscart.classroom.blueprint import bp  # noqa: F401
