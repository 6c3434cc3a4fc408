"""The company workspace: a company admin's pages: the company home, employees and their pages, invitations, groups,
job roles, the people import and the training matrix (the ``companies`` blueprint and its own)."""

from flask_babel import lazy_gettext as _l

from oscart.core import navigation


def init_app(app):
    from oscart.workspace import company_views, import_job, import_views, views  # noqa: F401  (import_job: its kind)

    app.register_blueprint(company_views.bp)
    app.register_blueprint(views.bp)
    app.register_blueprint(import_views.bp)
    navigation.add_link("primary", 30, "companies.index", _l("My company"), _company_admin)
    navigation.add_link("primary", 31, "companies.employees", _l("Employees"), _company_admin)
    navigation.add_link("more", 30, "companies.training_matrix", _l("Training matrix"), _manager)
    navigation.add_link("more", 41, "workspace.logo", _l("Company logo"), _manager)
    navigation.add_link("more", 20, "workspace.groups_page", _l("Groups"), _manager)
    navigation.add_link("more", 21, "workspace.roles_page", _l("Job roles"), _manager)


def _manager(viewer):
    return viewer.is_manager


def _company_admin(viewer):
    return viewer.is_manager and not viewer.is_platform
