"""Administration: users, the scoring scheme, sections and the board's name (admins only)."""

from flask import Blueprint

bp = Blueprint("admin", __name__)


def init_app(app):
    app.register_blueprint(bp)
