from datetime import UTC, timedelta

import click
from flask import current_app
from flask.cli import AppGroup

from oscart.audit.retention import purge_events
from oscart.audit.verification import anchor_checkpoint, compare_with_published, head_record, verify_chain
from oscart.core.database import utcnow
from oscart.core.extensions import db

audit_cli = AppGroup("audit", help="Check and purge the audit trail.")


@audit_cli.command("verify")
@click.option("--published", type=click.File("r"), help="A file of chain heads written by `audit publish-head`.")
def verify(published):
    """Check every link and checkpoint; report the first broken link and its kind (exit status 1 if any)."""
    checked, problems, start = verify_chain()
    if published is not None:
        problems = sorted([*problems, *compare_with_published(published, start)], key=lambda problem: problem.seq)
    since = f" since the checkpoint after event #{start}" if start else ""
    if not problems:
        click.echo(f"Audit trail intact: {checked} events checked{since}.")
        return
    click.echo(f"First broken link: {problems[0].describe()}.", err=True)
    for problem in problems[1:]:
        click.echo(problem.describe(), err=True)
    click.echo(f"Audit trail NOT intact: {len(problems)} problem(s) in {checked} events{since}.", err=True)
    raise SystemExit(1)


@audit_cli.command("checkpoint")
def checkpoint():
    """Check the chain and sign its head as an anchor (after upgrading, and when rotating AUDIT_KEY)."""
    anchor, problems = anchor_checkpoint()
    if problems:
        for problem in problems:
            click.echo(problem.describe(), err=True)
        click.echo("No checkpoint written: the chain is not intact.", err=True)
        raise SystemExit(1)
    if anchor is None:
        click.echo("The audit trail is empty: no checkpoint needed.")
        return
    db.session.commit()
    click.echo(f"Signed checkpoint at event #{anchor.seq} (key {anchor.key_id}).")


@audit_cli.command("publish-head")
@click.argument("path", type=click.Path(dir_okay=False))
def publish_head(path):
    """Append the signed chain head to PATH, a file to keep outside the database (e.g. daily)."""
    line = head_record(utcnow())
    with open(path, "a", encoding="utf-8") as file:
        file.write(line + "\n")
    click.echo(line)


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


