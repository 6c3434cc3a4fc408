"""Admin: the platform admin's pages (companies, users, courses)."""

from flask_babel import lazy_gettext as _l

from oscart.core import navigation


def init_app(app):
    from oscart.admin import views

    app.register_blueprint(views.bp)
    navigation.add_link("primary", 20, "admin.index", _l("Administration"), _platform)
    navigation.add_link("primary", 21, "admin.companies", _l("Companies"), _platform)
    navigation.add_link("primary", 22, "admin.users", _l("Users"), _platform)


def _platform(viewer):
    return viewer.is_platform
