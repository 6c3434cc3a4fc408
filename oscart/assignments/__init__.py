"""Required training: rules that assign courses to a company's groups and job roles, and the reminders that
follow up on every due date."""

from flask_babel import lazy_gettext as _l

from oscart.core import navigation, personal_data
from oscart.core.demo import add_seeder


def init_app(app):
    from oscart.assignments import applying, settings, tracking, views  # noqa: F401  (applying: people_changed)
    from oscart.assignments import demo as assignments_demo
    from oscart.assignments.summaries import summaries_cli

    app.register_blueprint(views.bp)
    app.register_blueprint(settings.bp)
    app.cli.add_command(summaries_cli)
    tracking.init_app(app)
    personal_data.add_module("oscart.assignments.privacy_data")
    add_seeder("assignments", assignments_demo.seed, position=60)
    navigation.add_link("more", 70, "assignments.index", _l("Required training"), lambda viewer: viewer.is_manager)
    navigation.add_link("account", 30, "reminders.settings", _l("Reminders"))
