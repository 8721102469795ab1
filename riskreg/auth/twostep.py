"""Two-step verification: what follows a correct password."""

from flask import redirect, request

from .sessions import safe_next, start_session


def after_password(user):
    """The response to a correct password for `user`."""
    start_session(user)
    return redirect(safe_next(request.args.get("next")))
