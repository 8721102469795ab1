"""The heat map: a 5 x 5 grid of the register, rendered on the server."""

from flask import Blueprint

bp = Blueprint("heatmap", __name__)


def init_app(app):
    app.register_blueprint(bp)
