"""The heat map page: the register on the scheme's grid by basis, section and date, drawn on the
server as SVG (svg.py) with a table equivalent."""

from flask import Blueprint, render_template, request

from riskreg import readmodel
from riskreg.register.query import RegisterView, register_query_from_args
from riskreg.ui import cached_page

from .grid import ARROWS, BASES, heatmap_for

bp = Blueprint("heatmap", __name__)
# Refs listed in a cell of the page's grid, the rest counted: a cell that holds more than this
# cannot be read anyway, and the page stays as quick at 10,000 risks as at ten.
REFS_PER_CELL = 12


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
    return cached_page("heatmap", lambda: heatmap_body(*heatmap_args(request.args)))


def controls(errors: dict, view: RegisterView) -> dict:
    return {
        "values": request.args,
        "sections": readmodel.sections(),
        "errors": errors,
        "as_at_parts": view.as_at_parts,
    }


def heatmap_body(
    view: RegisterView, basis: str, arrows_from: str | None, errors: dict[str, str]
) -> tuple[str, str, int]:
    if errors:
        body = render_template("heatmap/_body.html", grid=None, **controls(errors, view))
        return "Error: Heat map", body, 400
    rows, counts, several_sections = readmodel.heatmap_rows(view.query, basis, REFS_PER_CELL)
    grid = heatmap_for(rows, view.query, basis, arrows_from, counts, several_sections)
    body = render_template(
        "heatmap/_body.html", grid=grid, summary_args=view.args(), **controls({}, view)
    )
    return "Heat map", body, 200
