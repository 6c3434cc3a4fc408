"""Privacy: consents, requests, export, erasure, restriction, retention and incident notices."""

from flask_babel import lazy_gettext as _l

from oscart.core import navigation, personal_data
from oscart.core.demo import add_seeder
from oscart.core.signals import remember_me_chosen


def init_app(app):
    from oscart.privacy import admin_views, campaign_job, cli, views  # noqa: F401  (campaign_job: its job kind)
    from oscart.privacy import demo as privacy_demo

    remember_me_chosen.connect(record_remember_me)
    app.register_blueprint(views.bp)
    app.register_blueprint(admin_views.bp)
    app.cli.add_command(cli.privacy_cli)
    # The account's own data comes first in the export and is erased first.
    personal_data.add_module("oscart.privacy.core_data", first=True)
    add_seeder("privacy", privacy_demo.seed, position=50)
    navigation.add_link("more", 100, "privacy_admin.queue", _l("Privacy"),
                        lambda viewer: viewer.allowed("privacy.decide"))
    navigation.add_link("account", 40, "privacy.me", _l("My privacy"))


def record_remember_me(user, *, ip):
    """Remember-me rests on consent: a login that asks for it records it."""
    from oscart.privacy.consents import record_consent
    from oscart.privacy.policy import REMEMBER_ME

    record_consent(user, REMEMBER_ME, True, actor=user, ip=ip, source="login")
