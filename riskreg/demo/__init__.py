"""The demo register from the seed annual report, and the `demo` commands that load it."""

from . import cli


def init_app(app):
    cli.init_app(app)
