"""`flask --app riskreg register import|export`: the register to and from a spreadsheet on the
server's own disk."""

import os

import click
from flask.cli import AppGroup

from riskreg.cli import check_new_file, fail
from riskreg.extensions import db
from riskreg.readmodel import RegisterQuery, register_rows
from riskreg.register import exports
from riskreg.register.cli import check_command

from .plan import apply_plan, plan_import

register_cli = AppGroup(
    "register", help="Import, export and check the register (check: the stored latest scores)."
)
register_cli.add_command(check_command)
# The command line reads files from the server's own disk, so it may take larger ones.
CLI_MAX_BYTES = 20 * 1024 * 1024


@register_cli.command("import")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
def import_command(path, dry_run):
    """Import a register spreadsheet (.csv or .xlsx, the export's columns)."""
    if not path.lower().endswith((".csv", ".xlsx")):
        fail(f"{path}: the file name must end .csv or .xlsx.")
    try:
        with open(path, "rb") as file:
            data = file.read(CLI_MAX_BYTES + 1)
    except OSError as error:
        fail(f"Cannot read {path}: {error.strerror}.")
    plan = plan_import(os.path.basename(path), data, max_bytes=CLI_MAX_BYTES)
    if plan.errors:
        for error in plan.errors:
            click.echo(error, err=True)
        fail(f"{len(plan.errors)} problem(s) in {path}: nothing was imported.")
    for note in plan.notes:
        click.echo(f"Note: {note}")
    for row in plan.rows:
        click.echo(f"Row {row.row}\t{row.ref}\t{row.what}\t{row.title}")
    if dry_run:
        click.echo(f"Dry run: {plan.summary}. Nothing was written.")
        return
    apply_plan(plan)
    db.session.commit()
    click.echo(f"Imported {os.path.basename(path)}: {plan.applied_summary}.")


@register_cli.command("export")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option(
    "--status",
    type=click.Choice(["open", "closed", "all"]),
    default="all",
    show_default=True,
    help="Which risks to export.",
)
def export_command(path, status):
    """Export the register to PATH (.csv or .xlsx), as the Reports page downloads it."""
    extension = path.rsplit(".", 1)[-1].lower()
    if extension not in ("csv", "xlsx"):
        fail(f"{path}: the file name must end .csv or .xlsx.")
    check_new_file(path)
    build = exports.csv_body if extension == "csv" else exports.xlsx_body
    query = RegisterQuery(status=status)
    body = build(query, register_rows(query))
    with open(path, "wb") as file:
        file.write(body)
    click.echo(f"Exported the register ({status} risks) to {path}.")


def init_app(app):
    app.cli.add_command(register_cli)
