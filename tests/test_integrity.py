"""The database keeps its foreign keys: SQLite refuses a row that names a missing one, as
PostgreSQL does; migrations, which run with them off on SQLite, end by checking them; and
`register check` lists any row that breaks one."""

import pytest
from helpers import make_challenge, make_risk
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from riskreg.admin import services as admin_services
from riskreg.extensions import db
from riskreg.models import Agency, Assessment, Risk

# PostgreSQL refuses the row that breaks a foreign key, so none is stored: these run in the
# SQLite pass only.
SQLITE_ONLY = pytest.mark.embedded


def test_deleting_a_risk_its_assessments_name_is_refused(ctx):
    risk_id = make_risk("SG").id
    with pytest.raises(IntegrityError):
        db.session.execute(text("DELETE FROM risk WHERE id = :id"), {"id": risk_id})
    db.session.rollback()
    assert db.session.get(Risk, risk_id) is not None
    assert db.session.scalar(select(func.count()).select_from(Assessment)) == 3


def test_an_agency_a_challenge_names_stays_on_the_list(ctx):
    agency = db.session.get(Agency, make_challenge(agency="Probation").agency_id)
    assert not admin_services.agency_uses(agency.id)[0].removable
    with pytest.raises(admin_services.AgencyInUse):
        admin_services.remove_agency(agency)


def add_a_partner_link_to_a_missing_agency(risk_id: int) -> int:
    """Stored on a connection with foreign keys off, as a migration runs; returns its rowid."""
    with db.engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.execute(
            text("INSERT INTO risk_partner (risk_id, agency_id) VALUES (:risk, 999)"),
            {"risk": risk_id},
        )
        connection.commit()
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")  # back to the pool as it came
        return connection.scalar(text("SELECT rowid FROM risk_partner WHERE agency_id = 999"))


@SQLITE_ONLY
def test_register_check_reports_a_row_that_breaks_a_foreign_key(ctx, runner):
    result = runner.invoke(args=["register", "check"])
    assert result.exit_code == 0, result.output
    assert "Every foreign key names a row that is there." in result.output

    rowid = add_a_partner_link_to_a_missing_agency(make_risk("SG").id)
    result = runner.invoke(args=["register", "check"])
    assert result.exit_code == 1
    assert f"risk_partner row {rowid}: agency_id names no row of agency" in result.output
    assert "1 row(s) name a row that is not there" in result.output
    assert "agree with the assessment history" in result.output  # the scores still checked


@SQLITE_ONLY
def test_migrations_fail_over_a_row_that_breaks_a_foreign_key(ctx, runner):
    # The test database is at the latest revision: no migration runs, the check still does.
    rowid = add_a_partner_link_to_a_missing_agency(make_risk("SG").id)
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 1
    assert f"risk_partner row {rowid} (no such agency)" in result.output
