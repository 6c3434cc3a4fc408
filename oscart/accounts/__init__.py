"""Accounts: a person's profile, photo, language and security settings."""

from flask_babel import lazy_gettext as _l

from oscart.core import navigation


def init_app(app):
    from oscart.accounts import views

    app.register_blueprint(views.bp)
    navigation.add_link("account", 20, "accounts.profile", _l("My account"))
