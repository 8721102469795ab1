"""Command line: `flask --app riskreg users|demo|backup ...`. Bad arguments exit non-zero with a
message, never a traceback."""

import os
import sqlite3
import sys

import click
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import func, select

from . import demo
from .accounts import add_user, change_user, last_admin_problem, normalised_email, set_password
from .admin_forms import MIN_PASSWORD_LENGTH
from .extensions import db
from .models import ROLES, User

users = AppGroup("users", help="Create and manage user accounts.")
demo_cli = AppGroup("demo", help="The demo register from the seed annual report.")


def fail(message: str):
    raise click.ClickException(message)


def valid_email(email: str) -> str:
    normalised = normalised_email(email)
    if normalised is None:
        fail(f"{email!r} is not a valid email address.")
    return normalised


def find_user(email: str) -> User:
    user = db.session.scalar(select(User).where(User.email == email.strip().lower()))
    if user is None:
        fail(f"No user with email {email!r}. `flask --app riskreg users list` shows them.")
    return user


def read_password(from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if len(password) < MIN_PASSWORD_LENGTH:
        fail(f"The password must be at least {MIN_PASSWORD_LENGTH} characters.")
    return password


role_choice = click.Choice(ROLES, case_sensitive=False)


@users.command("create")
@click.argument("email")
@click.option("--name", required=True, help="The person's full name.")
@click.option("--role", required=True, type=role_choice)
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user(email, name, role, password_stdin):
    """Create a user account."""
    email = valid_email(email)
    if db.session.scalar(select(User).where(User.email == email)):
        fail(f"A user with email {email} already exists.")
    if not name.strip() or len(name) > 120:
        fail("--name must be 1 to 120 characters.")
    user = add_user(email, name.strip(), role.lower(), read_password(password_stdin))
    db.session.commit()
    click.echo(f"Created {user.role} {email}.")


@users.command("list")
def list_users():
    """List user accounts."""
    for user in db.session.scalars(select(User).order_by(User.email)):
        state = "active" if user.active else "deactivated"
        click.echo(f"{user.email}\t{user.name}\t{user.role}\t{state}")


@users.command("set-role")
@click.argument("email")
@click.argument("role", type=role_choice)
def set_role(email, role):
    """Change a user's role."""
    user = find_user(email)
    role = role.lower()
    if problem := last_admin_problem(user, role, user.active):
        fail(problem)
    change_user(user, "role", role, f"Changed {user.email}'s role to {role}")
    db.session.commit()
    click.echo(f"{user.email} is now {role}.")


@users.command("deactivate")
@click.argument("email")
def deactivate(email):
    """Stop a user logging in (their history stays)."""
    user = find_user(email)
    if problem := last_admin_problem(user, user.role, False):
        fail(problem)
    change_user(user, "active", False, f"Deactivated {user.email}")
    db.session.commit()
    click.echo(f"Deactivated {user.email}.")


@users.command("reset-password")
@click.argument("email")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def reset_password(email, password_stdin):
    """Set a new password for a user."""
    user = find_user(email)
    set_password(user, read_password(password_stdin))
    db.session.commit()
    click.echo(f"Password reset for {user.email}.")


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
    demo.load_demo()
    accounts = demo.create_demo_accounts()
    db.session.commit()
    click.echo("Loaded the demo register. Demo accounts (passwords are shown only this once):")
    for email, role, password in accounts:
        click.echo(f"  {role:<8} {email:<22} password: {password}")


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
    if os.path.exists(path):
        fail(f"{path} already exists; choose a new file name.")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        fail(f"The folder {folder} does not exist.")
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
    app.cli.add_command(users)
    app.cli.add_command(demo_cli)
    app.cli.add_command(backup)
