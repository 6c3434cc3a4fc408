import time

import click
from flask.cli import AppGroup

from oscart.mail.services import sweep_outbox

outbox_cli = AppGroup("outbox", help="Deliver queued mail.")


@outbox_cli.command("work")
@click.option("--once", is_flag=True, help="Deliver what is due and stop.")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between polls.")
def work(once, interval):
    """Send due messages from the outbox; several workers may run at once on PostgreSQL.

    Celery delivers each message right after its commit and sweeps every minute (see the README); this command
    does the same sweep from cron or by hand.
    """
    while True:
        sent, failed = sweep_outbox()
        if sent or failed:
            click.echo(f"sent {sent}, failed {failed}")
        if once:
            return
        time.sleep(interval)
