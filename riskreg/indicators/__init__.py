"""The partnership's performance data set: indicators, their values by period, and the key
risk indicators that flag the risks they bear on for review."""

from riskreg.domain import indicators as rules

from . import cli, trends, views


def init_app(app):
    app.register_blueprint(views.bp)
    cli.init_app(app)
    # Pages of other features (a risk's indicators, the changes since a meeting) show figures.
    app.add_template_global(rules.figure, "indicator_figure")
    app.add_template_global(trends.sparkline, "indicator_sparkline")
