"""The factory, configuration layers, health check and error pages."""

import pytest
from helpers import app_config

from riskreg import create_app
from riskreg.extensions import db


def test_refuses_to_start_with_the_default_secret_key(tmp_path, monkeypatch):
    # As on a new server: no instance/config.py (`make run` writes one in a checkout).
    monkeypatch.setattr("flask.config.Config.from_pyfile", lambda self, *args, **kw: False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.sqlite'}")
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app()


def test_environment_overrides_the_defaults(tmp_path, monkeypatch):
    monkeypatch.setenv("SECRET_KEY", "from-the-environment")
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db.internal/riskreg")
    monkeypatch.setenv("RISKREG_BOARD_NAME", "Anytown LSCB")
    monkeypatch.setenv("SESSION_COOKIE_SECURE", "true")
    monkeypatch.setenv("RISKREG_PASSWORD_SIGN_IN", "false")
    monkeypatch.setenv(
        "RISKREG_SIGN_IN_PROVIDERS",
        '[{"key": "council", "name": "Council account", "issuer": "https://idp.example.org",'
        ' "client_id": "riskreg", "client_secret": "s", "domains": ["example.org"]}]',
    )
    monkeypatch.delenv("AUTHLIB_INSECURE_TRANSPORT")  # set for the tests' own provider
    app = create_app()
    assert [p.name for p in app.extensions["riskreg_providers"]] == ["Council account"]
    assert app.config["RISKREG_PASSWORD_SIGN_IN"] is False
    assert app.config["SECRET_KEY"] == "from-the-environment"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db.internal/riskreg"
    assert app.config["RISKREG_BOARD_NAME"] == "Anytown LSCB"
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_the_test_config_replaces_the_other_layers(database_url, monkeypatch):
    monkeypatch.setenv("RISKREG_BOARD_NAME", "Ignored")
    app = create_app(app_config(database_url, RISKREG_BOARD_NAME="Testshire LSCB"))
    assert app.config["RISKREG_BOARD_NAME"] == "Testshire LSCB"


def test_board_name_from_config_is_in_the_header(client):
    assert "Local Safeguarding Children Board – risk register" in client.get("/login").text


def test_healthz_reports_an_unreachable_database(tmp_path):
    app = create_app(app_config(f"sqlite:///{tmp_path}/missing/dir/db.sqlite"))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] == "unreachable"


def test_not_found_page_is_in_the_service_style(login):
    response = login("member").get("/no-such-page")
    assert response.status_code == 404
    assert "Page not found" in response.text and "govuk-template" in response.text


def test_a_server_error_rolls_back_and_shows_the_error_page(app, login, monkeypatch):
    rollbacks = []
    real_rollback = db.session.rollback
    monkeypatch.setattr(db.session, "rollback", lambda: rollbacks.append(1) or real_rollback())
    app.testing = False  # let the 500 handler run, as in production

    @app.get("/boom")
    def boom():
        db.session.execute(db.text("SELECT 1"))
        raise RuntimeError("boom")

    client = login("member")
    response = client.get("/boom")
    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.text
    assert rollbacks == [1]
