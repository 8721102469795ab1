"""riskreg: the risk register of a Local Safeguarding Children Board."""

import os

from flask import Flask

from . import (
    accessibility,
    admin,
    auth,
    cache,
    challenges,
    cli,
    config,
    dashboard,
    database,
    decisions,
    demo,
    errors,
    formdata,
    health,
    heatmap,
    importer,
    indicators,
    meetings,
    privacy,
    register,
    reports,
    routing,
    security,
    ui,
)
from .extensions import csrf, db, login_manager, migrate


def create_app(test_config=None):
    project_root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    app = Flask(
        __name__,
        instance_path=os.path.join(project_root, "instance"),
        instance_relative_config=True,
        # Templates live at the top of the checkout, one folder per feature package, so that
        # designers find every page in one place rather than inside each Python package.
        template_folder=os.path.join(project_root, "templates"),
        # Built by `make assets` from the govuk-frontend package; GOV.UK's CSS expects /assets.
        static_folder=os.path.join(project_root, "static"),
        static_url_path="/assets",
    )
    config.load(app, test_config)
    formdata.init_app(app)
    os.makedirs(app.instance_path, exist_ok=True)

    db.init_app(app)
    database.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(project_root, "migrations"))
    csrf.init_app(app)
    login_manager.init_app(app)
    ui.init_app(app)
    cache.init_app(app)
    security.init_app(app)
    routing.init_app(app)

    for feature in (
        auth,
        health,
        accessibility,
        dashboard,
        register,
        decisions,
        heatmap,
        reports,
        meetings,
        indicators,
        challenges,
        importer,
        privacy,
        admin,
        demo,
    ):
        feature.init_app(app)

    cli.init_app(app)
    errors.init_app(app)
    return app
