import click
from flask import current_app
from flask.cli import AppGroup

from oscart.certificates.renewal import send_expiry_reminders
from oscart.core.extensions import db

certificates_cli = AppGroup("certificates", help="Certificate maintenance.")


@certificates_cli.command("remind")
@click.option("--days", type=int, default=None, help="Remind about certificates expiring within this many days "
              "(default: CERTIFICATE_REMINDER_DAYS).")
def remind(days):
    """Mail holders and company admins about certificates that expire soon; each certificate only once."""
    days = days if days is not None else current_app.config["CERTIFICATE_REMINDER_DAYS"]
    count = send_expiry_reminders(days=days)
    db.session.commit()
    click.echo(f"Reminded about {count} certificate(s) expiring within {days} days.")
