import click
from flask.cli import AppGroup

from oscart.core.extensions import db
from oscart.jobs import services

jobs_cli = AppGroup("jobs", help="Bulk jobs run by Celery.")


@jobs_cli.command("purge")
def purge():
    """Delete the jobs and their files past their time (Celery beat does it every hour)."""
    count = services.purge_expired()
    db.session.commit()
    click.echo(f"Deleted {count} job(s).")
