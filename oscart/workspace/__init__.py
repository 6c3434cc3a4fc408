"""The company workspace: a company admin organises the company's people (groups, job roles, employee pages)."""

from flask_babel import lazy_gettext as _l

from oscart.core import navigation


def init_app(app):
    from oscart.workspace import import_views, views

    app.register_blueprint(views.bp)
    app.register_blueprint(import_views.bp)
    navigation.add_link("more", 20, "workspace.groups_page", _l("Groups"), _manager)
    navigation.add_link("more", 21, "workspace.roles_page", _l("Job roles"), _manager)


def _manager(viewer):
    return viewer.is_manager
