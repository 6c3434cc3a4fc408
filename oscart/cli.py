import click
from flask.cli import with_appcontext

from oscart.auth import twostep
from oscart.auth.demo import TWO_STEP_EMAIL, two_step_secret
from oscart.demo import ACCOUNTS, DEMO_PASSWORD, seed_demo
from oscart.extensions import db


@click.command("seed-demo")
@with_appcontext
def seed_demo_command():
    """Load demo companies, accounts, courses, sessions and certificates (safe to run again)."""
    demo = seed_demo()
    db.session.commit()
    click.echo("Demo data is ready. Demo accounts:")
    for email, _first, _last, role, company, language in ACCOUNTS:
        click.echo(f"  {email:<24} {role:<15} {company or 'Oscart Group':<15} {language}")
    click.echo(f"Password of every demo account: {DEMO_PASSWORD}")
    secret = two_step_secret()
    if secret:
        click.echo(f"Two-step login is on for {TWO_STEP_EMAIL}: add this key to an authenticator app: {secret}")
    for user in demo.users.values():
        if twostep.is_required(user) and not user.has_two_step:
            click.echo(f"{user.email} sets up two-step login at the first login: it is required for this account.")
