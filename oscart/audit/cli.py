from datetime import UTC, timedelta

import click
from flask import current_app
from flask.cli import AppGroup

from oscart.audit.chain import latest_checkpoint, verify_chain
from oscart.audit.retention import purge_events
from oscart.database import utcnow
from oscart.extensions import db

audit_cli = AppGroup("audit", help="Check and purge the audit trail.")


@audit_cli.command("verify")
def verify():
    """Recompute the hash chain; report altered, inserted or deleted events (exit status 1 if any)."""
    checked, problems = verify_chain()
    checkpoint = latest_checkpoint()
    since = f" since the checkpoint after event #{checkpoint.seq}" if checkpoint else ""
    if not problems:
        click.echo(f"Audit trail intact: {checked} events checked{since}.")
        return
    for problem in problems:
        click.echo(problem.describe(), err=True)
    click.echo(f"Audit trail NOT intact: {len(problems)} problem(s) in {checked} events{since}.", err=True)
    raise SystemExit(1)


@audit_cli.command("purge")
@click.option("--before", type=click.DateTime(formats=["%Y-%m-%d"]),
              help="Delete events recorded before this date (UTC). Default: AUDIT_RETENTION_DAYS ago.")
def purge(before):
    """Delete old events and leave a checkpoint, so that `audit verify` still checks the rest."""
    if before is None:
        days = current_app.config["AUDIT_RETENTION_DAYS"]
        if not days:
            click.echo("No --before given and AUDIT_RETENTION_DAYS is 0 (keep forever): nothing purged.")
            return
        before = utcnow() - timedelta(days=days)
    else:
        before = before.replace(tzinfo=UTC)
    count = purge_events(before)
    db.session.commit()
    click.echo(f"Purged {count} audit events recorded before {before:%Y-%m-%d}.")


