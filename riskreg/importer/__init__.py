"""Importing a spreadsheet register, all or nothing, from the web and the `register` commands."""

from . import cli, views


def init_app(app):
    app.register_blueprint(views.bp)
    cli.init_app(app)
