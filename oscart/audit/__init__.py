"""Audit: the append-only, hash-chained log of actions on accounts and companies."""

from flask_babel import lazy_gettext as _l

from oscart.core import hooks, navigation


def init_app(app):
    from oscart.audit import cli, views

    app.register_blueprint(views.bp)
    app.cli.add_command(cli.audit_cli)
    hooks.before_request(app, remember_client_ip)
    navigation.add_link("more", 90, "audit.index", _l("Audit trail"), lambda viewer: viewer.allowed("audit.view"))


def remember_client_ip():
    """The client address every audit event of this request records."""
    from oscart.audit.services import current_ip
    from oscart.core.net import client_ip

    current_ip.set(client_ip())
