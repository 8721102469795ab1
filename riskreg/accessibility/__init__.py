"""The accessibility statement the public sector accessibility regulations ask for: one page,
readable without signing in, linked from every page's footer."""

from . import views


def init_app(app):
    app.register_blueprint(views.bp)
