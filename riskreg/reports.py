"""Board outputs: the printable risk summary (HTML and PDF) and the annual-report section."""

from flask import Blueprint

bp = Blueprint("reports", __name__)


def init_app(app):
    app.register_blueprint(bp)
