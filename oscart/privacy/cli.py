import click
from flask import current_app
from flask.cli import AppGroup

from oscart.core.database import utcnow
from oscart.core.extensions import db
from oscart.privacy import offers, retention

privacy_cli = AppGroup("privacy", help="Retention purge and offers after a visit.")


@privacy_cli.command("purge")
@click.option("--dry-run", is_flag=True, help="Only list what would be deleted or anonymised.")
def purge(dry_run):
    """Delete or anonymise what is past its retention period (see the privacy statement)."""
    steps = retention.purge(now=utcnow(), dry_run=dry_run)
    total = sum(step.count for step in steps)
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    for step in steps:
        click.echo(f"{step.count:>7}  {step.key}")
    if total == 0:
        click.echo("Nothing to purge: everything is within its retention period.")
    elif dry_run:
        click.echo(f"Dry run: {total} records would be changed; nothing was changed.")
    else:
        click.echo(f"Purged: {total} records changed.")


@privacy_cli.command("offers")
@click.option("--days", type=int, default=None, help="Days after a visit without enrolment (default: config).")
def send_offers(days):
    """Mail one offer to consenting users who viewed a course but did not enrol within N days."""
    days = days if days is not None else current_app.config["PRIVACY_OFFER_DAYS"]
    sent = offers.send_offers(days)
    db.session.commit()
    click.echo(f"{sent} offers queued." if sent else "No offers due.")
