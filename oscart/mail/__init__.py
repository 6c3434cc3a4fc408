"""Mail: the outbox of every message and its delivery."""


def init_app(app):
    from oscart.mail import cli

    app.cli.add_command(cli.outbox_cli)
