"""`flask --app riskreg demo load|setup`: the demo register from the seed annual report."""

import click
from flask.cli import AppGroup
from sqlalchemy import func, select

from riskreg.cli import fail
from riskreg.extensions import db
from riskreg.models import User

from . import load as demo

demo_cli = AppGroup("demo", help="The demo register from the seed annual report.")


@demo_cli.command("load")
@click.option("--force", is_flag=True, help="Replace the risks and meetings already there.")
def load_demo(force):
    """Load the demo register (eight risks from the seed annual report)."""
    existing = demo.risk_count()
    if existing and not force:
        fail(f"The database already holds {existing} risks; use --force to replace them.")
    if existing:
        demo.clear_register()
    added = demo.load_demo()
    db.session.commit()
    click.echo(f"Loaded the demo register: {added} risks.")


@demo_cli.command("setup")
def setup_demo():
    """On an empty database: load the demo register and create three demo accounts."""
    if demo.risk_count() or db.session.scalar(select(func.count()).select_from(User)):
        click.echo("The database already holds data: kept as it is (demo accounts unchanged).")
        return
    # The accounts first, so that the demo member's challenge is theirs to reword or withdraw.
    accounts = demo.create_demo_accounts()
    demo.load_demo()
    db.session.commit()
    click.echo("Loaded the demo register. Demo accounts (passwords are shown only this once):")
    for email, role, password in accounts:
        click.echo(f"  {role:<8} {email:<22} password: {password}")


def init_app(app):
    app.cli.add_command(demo_cli)
