"""`flask --app riskreg indicators import|export`: the data set's values to and from a
spreadsheet on the server's own disk."""

import sys
from functools import partial

import click
from flask.cli import AppGroup

from riskreg.cli import (
    CLI_MAX_BYTES,
    export_format,
    fail,
    finish_import,
    progress_bar,
    read_spreadsheet,
    refuse_import,
)
from riskreg.ui.spreadsheets import BadFile, read_table

from .imports import apply_values, csv_body, export_rows, plan_values, xlsx_body

indicators_cli = AppGroup("indicators", help="Import and export the data set's values.")


@indicators_cli.command("import")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Check the file and say what would change.")
def import_command(path, dry_run):
    """Import values (.csv or .xlsx with the columns Indicator code, Period, Value, Note)."""
    name, data = read_spreadsheet(path)
    try:
        table = read_table(name, data, max_bytes=CLI_MAX_BYTES)
    except BadFile as error:
        fail(f"{path}: {error}")
    with progress_bar(lambda total: f"Checking {total:,} rows of {name}") as progress:
        plan = plan_values(table, progress=progress)
    if not plan.ok:
        refuse_import(path, [f"Row {p.row}, {p.column}: {p.message}" for p in plan.problems])
    for indicator, new in plan.new:
        click.echo(f"{indicator.code}\t{new.period.code}\t{new.value:g}")
    summary = f"{len(plan.new)} new values, {plan.unchanged} unchanged"
    finish_import(
        name,
        dry_run=dry_run,
        apply=partial(apply_values, plan),
        what="values",
        would=summary,
        did=summary,
    )


@indicators_cli.command("export")
@click.argument("path", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--format", "file_format", type=click.Choice(["csv", "xlsx"]),
              help="The format when PATH is - (standard output).")  # fmt: skip
def export_command(path, file_format):
    """Export every period's value to PATH (.csv or .xlsx), in the columns import reads."""
    extension = export_format(path, file_format)
    rows = export_rows()
    body = csv_body(rows) if extension == "csv" else xlsx_body(rows)
    if path == "-":
        sys.stdout.buffer.write(body)
        return
    with open(path, "wb") as file:
        file.write(body)
    click.echo(f"Exported {len(rows) - 1} values to {path}.")


def init_app(app):
    app.cli.add_command(indicators_cli)
