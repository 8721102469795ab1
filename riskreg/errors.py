"""Error pages in the service's own style; a 500 rolls the session back first."""

from flask import render_template
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from .database import BUSY_SECONDS, is_busy
from .extensions import db

MESSAGES = {
    400: ("Sorry, there is a problem with your request", "Check what you entered and try again."),
    403: (
        "You do not have permission to do that",
        "Your account can read the register but not change it. Ask the board manager.",
    ),
    404: ("Page not found", "If you typed the web address, check it is correct."),
    405: ("Sorry, there is a problem with your request", "That is not allowed here."),
    413: ("The file is too large", "Choose a smaller file."),
    429: ("Too many requests", "Wait a few minutes and try again."),
    500: ("Sorry, there is a problem with the service", "Try again later."),
    503: (
        "The register is busy",
        "Someone else's change is being saved (an import, say). Nothing of yours was saved: "
        "go back and try again in a moment.",
    ),
}


def render_error(status: int, detail: str | None = None):
    title, hint = MESSAGES.get(status, MESSAGES[400] if status < 500 else MESSAGES[500])
    return render_template("errors/error.html", title=title, hint=detail or hint), status


def handle_http_error(error: HTTPException):
    return render_error(error.code or 500)


def handle_csrf_error(error: CSRFError):
    return render_error(
        400,
        "The form had expired or did not come from this site. Go back, reload the page and "
        "try again: nothing was saved.",
    )


def handle_server_error(error):
    db.session.rollback()
    return render_error(500)


def handle_database_error(error: OperationalError):
    db.session.rollback()
    if is_busy(error):
        page, status = render_error(503)
        return page, status, {"Retry-After": str(BUSY_SECONDS)}
    raise error


def init_app(app):
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(OperationalError, handle_database_error)
    app.register_error_handler(500, handle_server_error)
