"""The schema the app runs on is the one the migrations build."""

import importlib.util
import re
from datetime import datetime
from pathlib import Path

import flask_migrate
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from helpers import ON_POSTGRES, app_config
from sqlalchemy import create_engine, inspect, make_url, select, text

from riskreg import create_app, domain
from riskreg.domain.agencies import agency_key, agency_names
from riskreg.extensions import db
from riskreg.models import Agency, Risk, ScoringScheme, Section


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


# --- 0006: the agencies become a list -------------------------------------------------------

BEFORE_AGENCIES = "ac7b0c205976"
# Free text that is one name to the split but longer than an agency's name may be.
LONG_NAME = "The multi-agency safeguarding hub " + "and its partners " * 8
# (lead agency, partner agencies) as free text, in risk order.
FREE_TEXT = [
    ("Children's Services", "West Midlands Police, Health;Schools"),
    (" west midlands  POLICE ", "children's services\nSchools ; health"),
    ("Schools", "schools, Health,, ;"),
    ("", ""),
    ("Health", LONG_NAME),
]


def add_free_text_risks():
    section_id = db.session.scalar(text("SELECT id FROM section WHERE prefix = 'SG'"))
    for number, (lead, partners) in enumerate(FREE_TEXT, start=1):
        db.session.execute(
            text(
                "INSERT INTO risk (ref, section_id, number, title, statement, causes, "
                "consequences, owner_name, owner_role, owner_email, lead_agency, "
                "partner_agencies, priority, status, closed_reason, created_at, updated_at, "
                "version) VALUES (:ref, :section, :number, 'T', 'S', '', '', 'O', '', '', "
                ":lead, :partners, '', 'open', '', :at, :at, 1)"
            ),
            {
                "ref": f"SG-{number:02d}",
                "section": section_id,
                "number": number,
                "lead": lead,
                "partners": partners,
                "at": datetime(2025, 1, number),
            },
        )
    db.session.commit()


@pytest.fixture
def empty_database_url(tmp_path, database_url):
    """A database of its own: a new SQLite file, or a new database beside the test run's on
    PostgreSQL (the migration's data moving is checked on both)."""
    if not ON_POSTGRES:
        yield f"sqlite:///{tmp_path / 'empty.sqlite'}"
        return
    url = make_url(database_url)
    empty = url.set(database=f"{url.database}_empty")
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{empty.database}"'))
        connection.execute(text(f'CREATE DATABASE "{empty.database}"'))
    yield empty.render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{empty.database}"'))
    admin.dispose()


def test_0006_makes_the_free_text_agencies_a_list_and_downgrade_gives_the_text_back(
    empty_database_url,
):
    app = create_app(app_config(empty_database_url))
    with app.app_context():
        flask_migrate.upgrade(revision=BEFORE_AGENCIES)
        add_free_text_risks()
        flask_migrate.upgrade()
        assert schema_differences() == []
        # Matched ignoring case and spacing; the first spelling met is kept; a blank lead
        # becomes "Not recorded".
        names = dict(db.session.execute(select(Agency.id, Agency.name)).all())
        long_name = " ".join(LONG_NAME.split())[:120].rstrip()  # what agency.name holds
        assert sorted(names.values()) == [
            "Children's Services", "Health", "Not recorded", "Schools", long_name,
            "West Midlands Police",
        ]  # fmt: skip
        links = {}
        for risk in db.session.scalars(select(Risk).order_by(Risk.number)):
            links[risk.ref] = (risk.lead_agency.name, sorted(a.name for a in risk.partners))
        assert links == {
            "SG-01": ("Children's Services", ["Health", "Schools", "West Midlands Police"]),
            "SG-02": ("West Midlands Police", ["Children's Services", "Health", "Schools"]),
            "SG-03": ("Schools", ["Health"]),  # the lead is not also a partner
            "SG-04": ("Not recorded", []),
            "SG-05": ("Health", [long_name]),
        }
        # More partners, since, than the old text column holds by name.
        many = [Agency(name=f"Partner agency with a long name number {n:02d}") for n in range(12)]
        db.session.add_all(many)
        db.session.scalar(select(Risk).where(Risk.number == 4)).partners = many
        db.session.commit()
        db.session.remove()

        flask_migrate.downgrade(revision=BEFORE_AGENCIES)
        rows = db.session.execute(
            text("SELECT lead_agency, partner_agencies FROM risk ORDER BY number")
        ).all()
        assert [tuple(row) for row in rows] == [
            ("Children's Services", "Health, Schools, West Midlands Police"),
            ("West Midlands Police", "Children's Services, Health, Schools"),
            ("Schools", "Health"),
            (
                "Not recorded",
                ", ".join(f"Partner agency with a long name number {n:02d}" for n in range(12))[
                    :500
                ],
            ),
            ("Health", long_name),
        ]
        assert "agency" not in inspect(db.engine).get_table_names()
        db.session.remove()
        db.engine.dispose()


def test_0006_matches_names_as_the_app_does():
    """The migration keeps its own copy of the rule (it imports nothing of the app)."""
    path = Path(__file__).parent.parent / "migrations" / "versions"
    spec = importlib.util.spec_from_file_location("m0006", path / "0006_agencies_and_indicators.py")
    migration = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(migration)
    for cell in ("A, b;C\nD", " west  midlands POLICE ;; ", "", "Health, health"):
        keys = [name.casefold() for name in migration.agency_names(cell)]
        assert list(dict.fromkeys(keys)) == [agency_key(n) for n in agency_names(cell)]


SIZES = "9c1d5e7a3b20"  # 0009
BEFORE_SIZES = "5b0e7d21c9a4"  # 0008: the revision before the scheme's size became data


def test_0009_leaves_a_5_by_5_register_as_it_was_and_takes_scores_up_to_6(empty_database_url):
    from helpers import table_rows
    from sqlalchemy.exc import IntegrityError

    from riskreg.demo.load import load_demo

    app = create_app(app_config(empty_database_url))
    with app.app_context():
        # The demo is loaded by today's code, so at the head; then taken back to before 0009.
        flask_migrate.upgrade()
        load_demo()
        db.session.commit()
        db.session.remove()
        flask_migrate.downgrade(revision=BEFORE_SIZES)
        before = table_rows()
        db.session.remove()
        flask_migrate.upgrade(revision=SIZES)
        assert table_rows() == before
        db.session.remove()
        flask_migrate.upgrade()
        assert schema_differences() == []
        db.session.remove()

        def score(likelihood):
            db.session.execute(
                text(
                    "UPDATE assessment SET likelihood = :value, score = :value * impact "
                    "WHERE id = (SELECT min(id) FROM assessment)"
                ),
                {"value": likelihood},
            )
            db.session.rollback()  # only whether the database takes it

        score(6)
        with pytest.raises(IntegrityError):
            score(7)
        db.session.rollback()
        flask_migrate.downgrade(revision=BEFORE_SIZES)
        with pytest.raises(IntegrityError):
            score(6)
        db.session.rollback()
        db.session.remove()
        db.engine.dispose()
