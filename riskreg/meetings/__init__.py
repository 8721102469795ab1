"""Board meetings: agreeing the register, what changed since the last agreed register, what is
due by the next meeting, and the `reviews` commands."""

from . import cli, views


def init_app(app):
    app.register_blueprint(views.bp)
    cli.init_app(app)
