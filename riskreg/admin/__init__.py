"""Setting the app up (admins only): users, sections, agencies, board settings and the scoring
scheme."""

from . import agencies, scheme, sections, settings, signin, users  # noqa: F401  (their views join the blueprint)
from .blueprint import bp


def init_app(app):
    app.register_blueprint(bp)
