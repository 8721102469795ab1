"""Signing in and out, user accounts, and the `users` commands."""

from . import cli, views


def init_app(app):
    app.register_blueprint(views.bp)
    cli.init_app(app)
