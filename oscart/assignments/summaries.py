"""Rebuilding the kept summaries (matrix_cell, summary_count) from the rows, and the commands that do it."""

import click
from flask.cli import AppGroup
from sqlalchemy import delete, select

from oscart.accounts.models import User
from oscart.assignments import cells, counts
from oscart.assignments.summary_models import MatrixCell, SummaryCount
from oscart.assignments.tracking import Units
from oscart.companies.services import visible_employees
from oscart.core.database import utcnow
from oscart.core.extensions import db

summaries_cli = AppGroup("summaries", help="The training matrix's cells and the report's counts kept per company.")


def rebuild(connection, *, now=None):
    """Recompute every stored cell and count from the enrolment, certificate, registration and attendance rows;
    returns how many people count."""
    now = now or utcnow()
    connection.execute(delete(MatrixCell.__table__))
    connection.execute(delete(SummaryCount.__table__))
    user_ids = connection.scalars(select(User.id).where(User.company_id.is_not(None), *visible_employees())
                                  .order_by(User.id)).all()
    for chunk in counts.chunks(user_ids, 500):
        units = Units()
        units.people.update(chunk)
        units.settle()
        counts.apply(connection, counts.contributions(connection, units))
        cells.rewrite(connection, user_ids=chunk, now=now)
    return len(user_ids)


@summaries_cli.command("rebuild")
def rebuild_command():
    """Recompute the matrix's cells and the report's counts from the rows (after loading data around the
    portal, or to repair them)."""
    people = rebuild(db.session.connection())
    db.session.commit()
    click.echo(f"Summaries rebuilt for {people} people.")
