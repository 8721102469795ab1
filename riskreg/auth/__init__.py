"""Signing in and out (a password, a second step, or single sign-on), user accounts, and the
`users` commands."""

import os

from . import cli, providers, sso, twostep, views  # noqa: F401  (sso, twostep: their routes)
from .blueprint import bp


def init_app(app):
    # Authlib allows plain HTTP to an identity provider when this is set: only tests may.
    insecure = bool(os.environ.get("AUTHLIB_INSECURE_TRANSPORT"))
    if insecure and not (app.testing or app.debug):
        raise RuntimeError(
            "AUTHLIB_INSECURE_TRANSPORT is set: riskreg refuses to start with it outside tests, "
            "as it would let sign-in tokens travel over plain HTTP. Unset it."
        )
    app.extensions["riskreg_providers"] = providers.parse(
        app.config["RISKREG_SIGN_IN_PROVIDERS"], insecure_allowed=insecure
    )
    sso.init_app(app)
    app.register_blueprint(bp)
    cli.init_app(app)
