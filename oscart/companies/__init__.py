"""Companies: the customer companies (tenants), their admin area, people and training matrix."""

from flask_babel import lazy_gettext as _l

from oscart.core import navigation, personal_data
from oscart.core.demo import add_seeder


def init_app(app):
    from oscart.companies import demo as companies_demo
    from oscart.companies import views

    app.register_blueprint(views.bp)
    personal_data.add_module("oscart.companies.privacy_data")
    # The demo companies and accounts come before every other feature's demo data.
    add_seeder("companies", companies_demo.seed, position=0)
    navigation.add_link("primary", 30, "companies.index", _l("My company"), _manager)
    navigation.add_link("primary", 31, "companies.employees", _l("Employees"), _manager)
    navigation.add_link("more", 30, "companies.training_matrix", _l("Training matrix"),
                        lambda viewer: viewer.is_manager)


def _manager(viewer):
    return viewer.is_manager and not viewer.is_platform
