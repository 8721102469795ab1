"""Creating and changing risks: the forms of the board manager (managers and admins only)."""

from flask import Blueprint

bp = Blueprint("editing", __name__)


def init_app(app):
    app.register_blueprint(bp)
