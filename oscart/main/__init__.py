"""Main: home, dashboard, language switch, health and the privacy statement page."""

from flask_babel import lazy_gettext as _l

from oscart.core import navigation
from oscart.core.security import TRAINEE, TRAINER


def init_app(app):
    from oscart.main import views

    app.register_blueprint(views.bp)
    navigation.add_link("primary", 10, "main.dashboard", _l("Dashboard"),
                        lambda viewer: viewer.role in (TRAINEE, TRAINER))
