"""Board meetings: the agreed register, since the last meeting, reviews due."""

from flask import Blueprint

bp = Blueprint("meetings", __name__)


def init_app(app):
    app.register_blueprint(bp)
