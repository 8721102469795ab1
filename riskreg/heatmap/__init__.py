"""The heat map: the register on the scheme's grid (grid.py), drawn as SVG (svg.py), and its
page."""

from . import views
from .svg import svg_layout


def init_app(app):
    app.register_blueprint(views.bp)
    # templates/heatmap/_grid.html draws any page's or document's grid with it.
    app.add_template_global(svg_layout, "heatmap_svg")
