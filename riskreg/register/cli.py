"""`flask --app riskreg register check`: does the stored projection of the latest scores agree
with the assessment history? (Flask-Migrate already owns `flask db check`.)"""

import click
from flask.cli import with_appcontext

from riskreg import audit
from riskreg.cli import fail
from riskreg.extensions import db
from riskreg.readmodel import projection_drift, refresh_scores


@click.command("check")
@click.option("--repair", is_flag=True, help="Rewrite the stored scores from the history.")
@with_appcontext
def check_command(repair):
    """Compare each risk's stored latest scores with its assessment history."""
    drift = projection_drift()
    if not drift:
        click.echo("The stored latest scores agree with the assessment history.")
        return
    for line in drift:
        click.echo(line, err=True)
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
