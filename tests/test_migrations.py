"""The schema the app runs on is the one the migrations build."""

import re
from pathlib import Path

import flask_migrate
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from helpers import app_config
from sqlalchemy import inspect, select

from riskreg import create_app, domain
from riskreg.extensions import db
from riskreg.models import ScoringScheme, Section


def schema_differences():
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, db.metadata)


def test_upgrade_from_empty_matches_the_models(ctx):
    # The test database was built from empty by `db upgrade` (see conftest.reference_rows),
    # on SQLite or on PostgreSQL, whichever this run uses.
    assert schema_differences() == []


def test_db_upgrade_command_on_a_new_sqlite_file(tmp_path):
    app = create_app(app_config(f"sqlite:///{tmp_path / 'new.sqlite'}"))
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert schema_differences() == []
        assert "alembic_version" in inspect(db.engine).get_table_names()
        sections = db.session.scalars(select(Section.prefix).order_by(Section.position)).all()
        assert sections == ["SG", "BR"]
        assert db.session.scalars(select(ScoringScheme.version)).all() == [1]
        db.engine.dispose()


def test_downgrade_to_empty_and_back(tmp_path):
    app = create_app(app_config(f"sqlite:///{tmp_path / 'round-trip.sqlite'}"))
    with app.app_context():
        flask_migrate.upgrade()
        flask_migrate.downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        flask_migrate.upgrade()
        assert schema_differences() == []
        db.engine.dispose()


def test_the_seeded_scheme_and_sections_are_the_domain_defaults(ctx):
    """0001 writes its reference data out in full (a landed migration never changes with the
    code); the domain's defaults must still describe what a new register starts with."""
    scheme = db.session.scalars(select(ScoringScheme)).one()
    assert {
        "likelihood": scheme.likelihood,
        "impact": scheme.impact,
        "bands": scheme.bands,
    } == domain.default_scheme_data()
    sections = db.session.scalars(select(Section).order_by(Section.position)).all()
    assert [
        {"name": s.name, "prefix": s.prefix, "position": s.position} for s in sections
    ] == domain.DEFAULT_SECTIONS


def test_no_migration_imports_the_app():
    for path in (Path(__file__).parent.parent / "migrations" / "versions").glob("*.py"):
        assert not re.search(r"^\s*(from|import) riskreg", path.read_text(), re.M), path.name
