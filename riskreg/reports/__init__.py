"""The documents the board circulates and publishes: the printable summary and meeting pack
(HTML and PDF), and the annual report's key risks section."""

from . import views


def init_app(app):
    app.register_blueprint(views.bp)
