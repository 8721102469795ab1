"""The register as a spreadsheet (CSV and XLSX)."""

from flask import Blueprint

bp = Blueprint("exports", __name__)


def init_app(app):
    app.register_blueprint(bp)
