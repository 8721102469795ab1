"""The `register` command group, and `flask --app riskreg register check`: does the stored
projection of the latest scores agree with the assessment history, and does every foreign key
name a row that is there? (Flask-Migrate already owns `flask db check`.) The importer adds
`register import` and `register export` to the group."""

import click
from flask.cli import AppGroup

from riskreg import audit
from riskreg.cli import fail
from riskreg.database import broken_foreign_keys
from riskreg.extensions import db
from riskreg.readmodel import projection_drift, refresh_scores

register_cli = AppGroup(
    "register", help="Import, export and check the register (check: the stored latest scores)."
)


@register_cli.command("check")
@click.option("--repair", is_flag=True, help="Rewrite the stored scores from the history.")
def check_command(repair):
    """Compare each risk's stored latest scores with its assessment history, and list the rows
    whose foreign key names a row that is not there (which --repair leaves alone)."""
    broken = broken_foreign_keys()
    if not broken:
        click.echo("Every foreign key names a row that is there.")
    for line in broken:
        click.echo(line, err=True)
    drift = projection_drift()
    if not drift:
        click.echo("The stored latest scores agree with the assessment history.")
    for line in drift:
        click.echo(line, err=True)
    if broken:
        # Scores rewritten from a history that names missing rows could not be trusted.
        fail(f"{len(broken)} row(s) name a row that is not there; correct them, then check again.")
    if not drift:
        return
    if not repair:
        fail(f"{len(drift)} difference(s); `register check --repair` rewrites them.")
    refresh_scores()
    audit.record(
        "register",
        None,
        "repair",
        {"differences": [None, len(drift)]},
        summary=f"Rewrote the stored latest scores from the history ({len(drift)} differences)",
    )
    db.session.commit()
    click.echo(f"Repaired {len(drift)} difference(s).")


def init_app(app):
    app.cli.add_command(register_cli)
