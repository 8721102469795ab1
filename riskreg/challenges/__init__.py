"""The board's challenges to agencies: raised by anyone signed in, answered by the agency,
closed (resolved or escalated) by the board's managers, every step kept."""

from . import views


def init_app(app):
    app.register_blueprint(views.bp)
    for name, value in views.TEMPLATE_GLOBALS.items():
        app.add_template_global(value, name)
