"""`flask --app riskreg users ...`: create and manage user accounts from the command line."""

import sys
from functools import wraps

import click
from flask.cli import AppGroup
from sqlalchemy import select

from riskreg.cli import fail
from riskreg.domain.vocabulary import ROLES
from riskreg.extensions import db
from riskreg.models import User

from . import totp
from .accounts import (
    MIN_PASSWORD_LENGTH,
    add_user,
    change_user,
    last_admin_problem,
    normalised_email,
    set_password,
)

users = AppGroup("users", help="Create and manage user accounts.")


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


def user_command(name: str):
    """A `users` command about one account, named by its email (the first argument): the
    function is given the account."""

    def decorator(function):
        @users.command(name)
        @click.argument("email")
        @wraps(function)  # keeps the docstring (the help) and the options declared below this
        def command(email, **options):
            return function(find_user(email), **options)

        return command

    return decorator


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
    """List user accounts: email, name, role, state, two-step verification, break-glass."""
    for user in db.session.scalars(select(User).order_by(User.email)):
        state = "active" if user.active else "deactivated"
        two_step = "two-step" if user.has_two_step else "no two-step"
        glass = "\tbreak-glass" if user.break_glass else ""
        click.echo(f"{user.email}\t{user.name}\t{user.role}\t{state}\t{two_step}{glass}")


@user_command("set-role")
@click.argument("role", type=role_choice)
def set_role(user, role):
    """Change a user's role."""
    role = role.lower()
    if problem := last_admin_problem(user, role, user.active):
        fail(problem)
    change_user(user, "role", role, f"Changed {user.email}'s role to {role}")
    db.session.commit()
    click.echo(f"{user.email} is now {role}.")


@user_command("deactivate")
def deactivate(user):
    """Stop a user logging in (their history stays)."""
    if problem := last_admin_problem(user, user.role, False):
        fail(problem)
    change_user(user, "active", False, f"Deactivated {user.email}")
    db.session.commit()
    click.echo(f"Deactivated {user.email}.")


@user_command("reset-password")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def reset_password(user, password_stdin):
    """Set a new password for a user."""
    set_password(user, read_password(password_stdin))
    db.session.commit()
    click.echo(f"Password reset for {user.email}.")


@user_command("set-break-glass")
@click.option("--off", is_flag=True, help="Make it an ordinary account again.")
def set_break_glass(user, off):
    """Let an account sign in with a password when everyone else must use single sign-on
    (for when the identity provider is down). It must use two-step verification."""
    wanted = not off
    if user.break_glass == wanted:
        click.echo(f"{user.email} is {'already' if wanted else 'not'} a break-glass account.")
        return
    what = "Made" if wanted else "Stopped"
    summary = f"{what} {user.email} {'a' if wanted else 'being a'} break-glass account"
    change_user(user, "break_glass", wanted, summary)
    db.session.commit()
    if wanted:
        click.echo(
            f"{user.email} is a break-glass account: it may sign in with a password, and must "
            "use two-step verification (set up at its next sign-in if it has none)."
        )
        if not user.has_password:
            click.echo("It has no password yet: give it one with `users reset-password`.")
    else:
        click.echo(f"{user.email} is no longer a break-glass account.")


@user_command("reset-two-step")
def reset_two_step(user):
    """Turn off a user's two-step verification, for when they lost their authenticator app and
    their recovery codes; every session of theirs ends."""
    if not totp.reset(user, f"Reset the two-step verification of {user.email}"):
        click.echo(f"{user.email} has no two-step verification: nothing changed.")
        return
    db.session.commit()
    click.echo(
        f"Reset the two-step verification of {user.email}, and signed them out everywhere. "
        "They sign in with their password, and set up two-step verification again where it is "
        "required."
    )


def init_app(app):
    app.cli.add_command(users)
