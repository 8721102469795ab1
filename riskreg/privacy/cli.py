"""`flask --app riskreg privacy scan`: stored text that would identify a child."""

import click
from flask.cli import AppGroup

from riskreg.cli import fail

from .scan import stored_findings

privacy_cli = AppGroup("privacy", help="Check that the register identifies no child.")


@privacy_cli.command("scan")
def scan_command():
    """List stored text that would identify a child (an NHS number, a date of birth, a full
    postcode): one line per finding, with the risk, meeting or agency, the field and what was
    found.
    Exits with status 1 when anything is found, 0 when nothing is."""
    findings = stored_findings()
    for finding in findings:
        click.echo(f"{finding.where}\t{finding.field}\t{finding.found}")
    if findings:
        fail(
            f"{len(findings)} finding(s): the register must never identify a child. "
            "Edit each field to remove it."
        )
    click.echo("No stored text identifies a child.")


def init_app(app):
    app.cli.add_command(privacy_cli)
