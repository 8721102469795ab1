"""User accounts: the rules and audited changes shared by the admin pages, the command line
and the demo."""

import secrets

from email_validator import EmailNotValidError, validate_email
from flask import current_app
from sqlalchemy import select
from werkzeug.security import check_password_hash

from riskreg import audit
from riskreg.extensions import db
from riskreg.models import User, hash_password
from riskreg.ui import show_date

from .providers import name_of

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 200  # the sign-in form accepts no longer


def normalised_email(email: str) -> str | None:
    try:
        return validate_email(email, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        return None


def new_password() -> str:
    return secrets.token_urlsafe(12)


def password_matches(user: User | None, password: str) -> bool:
    """Whether `password` is `user`'s. For no account, or one without a password, the same
    work is done against a stand-in hash, so how long a sign-in takes tells nobody which
    accounts exist."""
    if user is None or not user.has_password:
        check_password_hash(stand_in_hash(), password)
        return False
    return user.check_password(password)


def stand_in_hash() -> str:
    """A hash of nothing anyone knows, made the way passwords are (once per app)."""
    found = current_app.extensions.get("riskreg_stand_in_hash")
    if found is None:
        found = current_app.extensions["riskreg_stand_in_hash"] = hash_password(
            secrets.token_urlsafe(32)
        )
    return found


def last_admin_problem(user: User, new_role: str, active: bool) -> str | None:
    """Why `user` may not become `new_role` / `active`, or None: the last active admin can never
    be demoted or deactivated, or nobody could administer the register. The active admins are
    locked (on PostgreSQL) so that two admins cannot demote each other at once."""
    if user.role != "admin" or not user.active or (new_role == "admin" and active):
        return None
    admins = db.session.scalars(
        select(User.id).where(User.role == "admin", User.active.is_(True)).with_for_update()
    ).all()
    if set(admins) - {user.id}:
        return None
    return (
        f"{user.name} is the last active admin, so they cannot be demoted or deactivated. "
        "Make someone else an admin first."
    )


def add_user(
    email: str, name: str, role: str, password: str | None, *, how: str = "", own: bool = False
) -> User:
    """A new account, audited; the email must already be normalised. No password (None): it
    signs in only by single sign-on. `how` ends the audit summary; `own`: the new user made it
    themself (at a first sign-in). The caller commits (the flush raises IntegrityError if
    someone added the same email a moment ago)."""
    user = User(email=email, name=name, role=role, password_hash="")
    if password is not None:
        user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit.record(
        "user",
        user.id,
        "create",
        {"email": [None, email], "name": [None, name], "role": [None, role]},
        summary=f"Created {role} {email}{how}",
        user_id=user.id if own else None,
    )
    return user


def change_user(user: User, field: str, value, summary: str) -> None:
    """Set one field of a user (role, active), audited. The caller commits. A new role ends
    the user's sessions: they sign in again to act in it."""
    changes = audit.diff({field: getattr(user, field)}, {field: value})
    audit.record("user", user.id, "update", changes, summary=summary)
    setattr(user, field, value)
    if field == "role" and changes:
        user.new_session()


def set_password(user: User, password: str, *, own: bool = False) -> None:
    """A new password, audited without the password; every session signed in with the old one
    ends. The caller commits."""
    user.set_password(password)
    user.new_session()
    audit.record(
        "user",
        user.id,
        "reset-password",
        {"password": ["(hidden)", "(changed)"]},
        summary=f"{user.email} changed their password"
        if own
        else f"Reset the password of {user.email}",
    )


def sign_in_ways(user: User) -> list[str]:
    """How `user` signs in, in words: "Password and two-step verification", "Dudley Council
    account, linked 2 December 2026"."""
    ways = []
    if user.has_password:
        ways.append("Password and two-step verification" if user.has_two_step else "Password")
    for link in user.sign_in_links:
        ways.append(f"{name_of(link.provider)} account, linked {show_date(link.linked_at)}")
    return ways
