"""The register: the list of risks, the dashboard, and each risk's page."""

from flask import Blueprint, render_template

from .readmodel import RegisterQuery, register_rows

bp = Blueprint("register", __name__)


@bp.route("/")
def dashboard():
    rows = register_rows()
    return render_template("register/dashboard.html", title="Dashboard", rows=rows)


@bp.route("/risks")
def index():
    rows = register_rows(RegisterQuery())
    return render_template("register/index.html", title="Risk register", rows=rows)


def init_app(app):
    app.register_blueprint(bp)
