"""The register: the list of risks, each risk's page, changing risks, and the CSV and XLSX
exports of the list."""

from . import editing, exports, mitigations, views  # noqa: F401  (mitigations joins editing)


def init_app(app):
    for blueprint in (views.bp, editing.bp, exports.bp):
        app.register_blueprint(blueprint)
