"""Classroom: sessions and their parts, registrations, waiting lists, attendance and calendars."""

from flask_babel import lazy_gettext as _l

from oscart.core import navigation, personal_data
from oscart.core.demo import add_seeder
from oscart.core.security import TRAINEE, TRAINER


def init_app(app):
    from oscart.classroom import demo as classroom_demo
    from oscart.classroom import views

    app.register_blueprint(views.bp)
    personal_data.add_module("oscart.classroom.privacy_data")
    add_seeder("classroom", classroom_demo.seed, position=40)
    # A trainer's home: the session running now and the next ones, before the dashboard.
    navigation.add_link("primary", 5, "classroom.teach", _l("Sessions"), lambda viewer: viewer.role == TRAINER)
    navigation.add_link("primary", 50, "classroom.mine", _l("My sessions"), lambda viewer: viewer.role == TRAINEE)
    navigation.add_link("primary", 60, "classroom.teach", _l("Sessions"), _teaches)
    navigation.add_link("primary", 61, "classroom.index", _l("Sessions"),
                        lambda viewer: not _teaches(viewer) and viewer.is_manager)
    navigation.add_link("more", 10, "classroom.teach", _l("Sessions"),
                        lambda viewer: viewer.is_platform and viewer.allowed("classroom.teach"))
    navigation.add_link("more", 31, "classroom.attendance_list", _l("Attendance"), lambda viewer: viewer.is_manager)


def _teaches(viewer):
    return viewer.allowed("classroom.teach") and not viewer.is_platform and viewer.role != TRAINER
