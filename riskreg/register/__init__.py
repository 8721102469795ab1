"""The register: the list of risks, each risk's page, changing risks, the CSV and XLSX exports
of the list, and the `register` commands."""

from . import cli, editing, exports, mitigations, views  # noqa: F401  (their routes join bp)
from .blueprint import bp


def init_app(app):
    app.register_blueprint(bp)
    cli.init_app(app)
