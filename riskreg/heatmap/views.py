"""The heat map page: the register on the 5 x 5 grid by basis, section and date, drawn on the
server as SVG (svg.py) with a table equivalent."""

from flask import Blueprint, render_template, request

from riskreg import readmodel
from riskreg.register.query import RegisterView, register_query_from_args

from .grid import ARROWS, BASES, heatmap_for

bp = Blueprint("heatmap", __name__)


def heatmap_args(args) -> tuple[RegisterView, str, str | None, dict[str, str]]:
    """The register filters, basis and arrows from a query string, with any errors."""
    view = register_query_from_args(args)
    errors = dict(view.errors)
    basis = (args.get("basis") or "current").strip()
    if basis not in BASES:
        errors["basis"] = "Choose inherent, current or target scores"
        basis = "current"
    arrows = (args.get("arrows") or "").strip()
    if arrows not in ARROWS:
        errors["arrows"] = "Choose no arrows, arrows from inherent scores or from the last meeting"
        arrows = ""
    return view, basis, ARROWS[arrows], errors


@bp.route("/heatmap")
def index():
    view, basis, arrows_from, errors = heatmap_args(request.args)
    context = {
        "values": request.args,
        "sections": readmodel.sections(),
        "errors": errors,
    }
    if errors:
        return render_template("heatmap/index.html", title="Error: Heat map", **context), 400
    rows = readmodel.register_rows(view.query)
    grid = heatmap_for(rows, view.query, basis, arrows_from)
    return render_template(
        "heatmap/index.html", title="Heat map", grid=grid, summary_args=view.args(), **context
    )
