"""The home page: the register at a glance and what needs attention before the next meeting."""

from . import views


def init_app(app):
    app.register_blueprint(views.bp)
