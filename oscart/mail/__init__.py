"""Mail: the outbox of every message and its delivery."""



def init_app(app):
    from oscart.mail import cli, hooks

    app.cli.add_command(cli.outbox_cli)
    app.after_request(hooks.deliver_after_request)
