"""What every feature's commands share, and the app-wide `flask --app riskreg backup PATH`.
Bad arguments exit non-zero with a message, never a traceback."""

import os
import sqlite3
import sys
from contextlib import ExitStack, contextmanager
from typing import NoReturn

import click
from flask.cli import with_appcontext

from .extensions import db


def fail(message: str) -> NoReturn:
    raise click.ClickException(message)


def check_new_file(path: str) -> None:
    """A file the command is about to write: it must not exist yet, in a folder that does."""
    if os.path.exists(path):
        fail(f"{path} already exists; choose a new file name.")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        fail(f"The folder {folder} does not exist.")


# A command reads files from the server's own disk, so it may take larger ones.
CLI_MAX_BYTES = 20 * 1024 * 1024
# Work on fewer rows than this is over before a progress bar would be read.
PROGRESS_ROWS = 500


@contextmanager
def progress_bar(label):
    """Yields progress(done, total) for work that reports how far it has got: a click progress
    bar, `label(total)`, once the total is known, and only for large work. On stderr, because
    stdout may be the exported file itself, or output a script reads; where stderr is not a
    terminal, click writes just the label, once."""
    with ExitStack() as stack:
        bar, shown = None, 0

        def progress(done: int, total: int):
            nonlocal bar, shown
            if bar is None:
                bar = click.progressbar(
                    length=total,
                    label=label(total),
                    file=sys.stderr,
                    hidden=total < PROGRESS_ROWS,
                    update_min_steps=max(1, total // 200),  # redrawn a few hundred times
                )
                stack.enter_context(bar)
            bar.update(done - shown)
            shown = done

        yield progress


def read_spreadsheet(path: str) -> tuple[str, bytes]:
    """A .csv or .xlsx file on the server's disk to import: its name and its bytes (one more
    than CLI_MAX_BYTES at most, so that the reader can say it is too large)."""
    if not path.lower().endswith((".csv", ".xlsx")):
        fail(f"{path}: the file name must end .csv or .xlsx.")
    try:
        with open(path, "rb") as file:
            return os.path.basename(path), file.read(CLI_MAX_BYTES + 1)
    except OSError as error:
        fail(f"Cannot read {path}: {error.strerror}.")


def refuse_import(path: str, problems: list[str]) -> NoReturn:
    """Each problem on stderr, then fail: a file with any problem imports nothing."""
    for problem in problems:
        click.echo(problem, err=True)
    fail(f"{len(problems)} problem(s) in {path}: nothing was imported.")


def finish_import(name: str, *, dry_run: bool, apply, what: str, would: str, did: str) -> None:
    """The end of an import command, once the file is checked and its changes listed: a dry
    run says what importing `would` do and writes nothing; otherwise `apply(progress=...)` makes
    the changes, with a progress bar over `what` ("rows of register.csv"), and they are
    committed."""
    if dry_run:
        click.echo(f"Dry run: {would}. Nothing was written.")
        return
    with progress_bar(lambda total: f"Importing {total:,} {what}") as progress:
        apply(progress=progress)
    db.session.commit()
    click.echo(f"Imported {name}: {did}.")


def export_format(path: str, file_format: str | None) -> str:
    """The format an export command writes PATH in ("csv" or "xlsx"): --format where PATH is -
    (standard output), else the file name's ending, for a file that must be new."""
    if path == "-":
        if file_format is None:
            fail("Writing to standard output (-) needs --format csv or --format xlsx.")
        return file_format
    extension = path.rsplit(".", 1)[-1].lower()
    if extension not in ("csv", "xlsx") or file_format not in (None, extension):
        fail(f"{path}: the file name must end .{file_format or 'csv or .xlsx'}.")
    check_new_file(path)
    return extension


@click.command("backup")
@with_appcontext
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
def backup(path):
    """Copy the SQLite database to PATH, safely while the app is running."""
    url = db.engine.url
    if url.get_backend_name() != "sqlite":
        fail(
            "backup copies the embedded SQLite database; this app uses "
            f"{url.get_backend_name()}. Back PostgreSQL up with pg_dump, e.g. "
            '`pg_dump --format=custom --file=riskreg.dump "$DATABASE_URL"`.'
        )
    check_new_file(path)
    source = sqlite3.connect(url.database)
    try:
        target = sqlite3.connect(path)
        with target:
            # The online backup API copies a consistent snapshot while others write.
            source.backup(target)
        target.close()
    except sqlite3.Error as error:
        fail(f"Backup failed: {error}")
    finally:
        source.close()
    click.echo(f"Backed up {url.database} to {path}.")


def init_app(app):
    app.cli.add_command(backup)
