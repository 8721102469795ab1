"""Setting the app up (admins only): users, sections, agencies, board settings and the scoring
scheme."""

from . import (  # noqa: F401  (their views join the blueprint)
    agencies,
    links,
    scheme,
    sections,
    settings,
    signin,
    users,
)
from .blueprint import bp


def init_app(app):
    app.register_blueprint(bp)
