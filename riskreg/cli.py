"""What every feature's commands share, and the app-wide `flask --app riskreg backup PATH`.
Bad arguments exit non-zero with a message, never a traceback."""

import os
import sqlite3

import click
from flask.cli import with_appcontext

from .extensions import db


def fail(message: str):
    raise click.ClickException(message)


def check_new_file(path: str) -> None:
    """A file the command is about to write: it must not exist yet, in a folder that does."""
    if os.path.exists(path):
        fail(f"{path} already exists; choose a new file name.")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        fail(f"The folder {folder} does not exist.")


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
