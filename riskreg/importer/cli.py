"""`flask --app riskreg register import|export`: the register to and from a spreadsheet on the
server's own disk, two commands of the register's group."""

import sys
from functools import partial

import click
from flask.cli import with_appcontext

from riskreg.cli import (
    CLI_MAX_BYTES,
    export_format,
    finish_import,
    progress_bar,
    read_spreadsheet,
    refuse_import,
)
from riskreg.readmodel import RegisterQuery, register_rows
from riskreg.register import spreadsheet
from riskreg.register.cli import register_cli

from .apply import apply_plan
from .plan import plan_import


@click.command("import")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@with_appcontext
def import_command(path, dry_run):
    """Import a register spreadsheet (.csv or .xlsx, the export's columns)."""
    name, data = read_spreadsheet(path)
    with progress_bar(lambda total: f"Checking {total:,} rows of {name}") as progress:
        plan = plan_import(name, data, max_bytes=CLI_MAX_BYTES, progress=progress)
    if plan.errors:
        refuse_import(path, plan.errors)
    for note in plan.notes + ([plan.agencies_note] if plan.agencies_note else []):
        click.echo(f"Note: {note}")
    for row in plan.rows:
        click.echo(f"Row {row.row}\t{row.ref}\t{row.what}\t{row.title}")
    finish_import(
        name,
        dry_run=dry_run,
        apply=partial(apply_plan, plan),
        what=f"rows of {name}",
        would=plan.summary,
        did=plan.applied_summary,
    )


@click.command("export")
@click.argument("path", type=click.Path(dir_okay=False, allow_dash=True))
@click.option(
    "--status",
    type=click.Choice(["open", "closed", "all"]),
    default="all",
    show_default=True,
    help="Which risks to export.",
)
@click.option(
    "--format",
    "file_format",
    type=click.Choice(["csv", "xlsx"]),
    help="The format when PATH is - (standard output).",
)
@with_appcontext
def export_command(path, status, file_format):
    """Export the register to PATH (.csv or .xlsx, or - with --format for standard output), as
    the Reports page downloads it."""
    to_stdout = path == "-"
    extension = export_format(path, file_format)
    build = spreadsheet.csv_body if extension == "csv" else spreadsheet.xlsx_body
    query = RegisterQuery(status=status)
    rows = register_rows(query)
    with progress_bar(lambda total: f"Writing {len(rows):,} risks") as progress:
        body = build(query, rows, progress=progress)
    if to_stdout:
        sys.stdout.buffer.write(body)
    else:
        with open(path, "wb") as file:
            file.write(body)
    # On stderr when stdout is the file, which must hold nothing else.
    where = "standard output" if to_stdout else path
    click.echo(f"Exported the register ({status} risks) to {where}.", err=to_stdout)


def init_app(app):
    register_cli.add_command(import_command)
    register_cli.add_command(export_command)
