"""The register's blueprint, which the list and each risk's page, the changes to risks and to
their controls and actions, and the CSV and XLSX downloads add their routes to."""

from flask import Blueprint

bp = Blueprint("register", __name__)
