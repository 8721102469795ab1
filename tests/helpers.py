"""Test helpers: factories, statement counting, and the test configuration."""

import os
import signal
from contextlib import contextmanager

from sqlalchemy import delete, event, insert, inspect, select, text
from sqlalchemy import inspect as sa_inspect
from werkzeug.security import generate_password_hash

from riskreg import clock
from riskreg.admin.services import find_or_add
from riskreg.domain.agencies import agency_names
from riskreg.extensions import db
from riskreg.models import Action, Agency, Control, Meeting, Section, User
from riskreg.readmodel import refresh_scores
from riskreg.register import services

PASSWORD = "correct horse battery staple"
# Production hashes with Werkzeug's deliberately slow default; the tests' apps use one round of
# PBKDF2 (a setting the app refuses outside testing), and test users share one hash.
TEST_HASH_METHOD = "pbkdf2:sha256:1"
PASSWORD_HASH = generate_password_hash(PASSWORD, method=TEST_HASH_METHOD)
# Where the tests' app says it is reached: the start of every link in an e-mail.
BASE_URL = "https://risks.example.org"
ON_POSTGRES = bool(os.environ.get("RISKREG_TEST_DATABASE_URL"))


def app_config(database_url, **overrides):
    return {
        "TESTING": True,
        "SECRET_KEY": "test-secret",
        "DATABASE_URL": database_url,
        "WTF_CSRF_ENABLED": False,
        "PASSWORD_HASH_METHOD": TEST_HASH_METHOD,
        "RISKREG_BASE_URL": BASE_URL,
        **overrides,
    }


def make_user(role="manager", email=None, name=None, active=True):
    user = User(
        email=email or f"{role}@example.org",
        name=name or f"Test {role.title()}",
        role=role,
        password_hash=PASSWORD_HASH,
        active=active,
    )
    db.session.add(user)
    db.session.commit()
    return user


# The agencies the risk forms' test data choose, by the ids they have when the `agencies`
# fixture adds them to a fresh database (in this order): forms post ids.
AGENCIES = {"Children's Services": 1, "Police": 2, "Health": 3, "Education": 4}


def add_test_agencies() -> None:
    found = find_or_add(list(AGENCIES))
    db.session.commit()
    assert {a.name: a.id for a in found} == AGENCIES, "the agencies must be added first"


def agency_id(name: str) -> int:
    """The id of the agency called `name` (any case and spacing), added to the list if new."""
    return agency_ids(name)[0]


def agency_ids(names: str) -> list[int]:
    """The ids of the agencies a comma-separated text names, added to the list if new."""
    ids = [agency.id for agency in find_or_add(agency_names(names))]
    db.session.commit()
    return ids


def make_risk(
    section="SG",
    title="Demand outstrips front-line capacity",
    inherent=(4, 5),
    current=(3, 4),
    target=(2, 3),
    rationale="Initial assessment",
    at=None,
    lead_agency="Children's Services",
    partner_agencies="",
    **fields,
):
    """A risk with its three scores, committed. Fields override the defaults; the agencies
    are names, found on the list or added to it."""
    values = {
        "title": title,
        "statement": fields.pop("statement", f"Statement of {title.lower()}."),
        "owner_name": "Pat Owner",
        "owner_role": "Head of Service",
        "lead_agency_id": agency_id(lead_agency),
        "partner_agency_ids": agency_ids(partner_agencies),
        **fields,
    }
    section_row = db.session.scalar(select(Section).where(Section.prefix == section))
    scores = {
        kind: services.Scoring(*value)
        for kind, value in (("inherent", inherent), ("current", current), ("target", target))
        if value is not None
    }
    risk = services.create_risk(section_row, values, scores, rationale, at=at)
    db.session.commit()
    return risk


@contextmanager
def count_statements(engine=None):
    """Counts the SQL statements run inside the block: `with count_statements() as n: ...`.
    Pass the engine to count requests made outside the test's application context."""
    engine = engine if engine is not None else db.engine
    counter = [0]

    def before_execute(*args):
        counter[0] += 1

    event.listen(engine, "before_cursor_execute", before_execute)
    try:
        yield counter
    finally:
        event.remove(engine, "before_cursor_execute", before_execute)


def request_statements(app, client, urls) -> dict[str, int]:
    """The SQL statements each GET of `urls` runs (each must answer 200). Counted outside any
    application context, so every request has its own, with nothing cached from the test's."""
    with app.app_context():
        engine = db.engine
    counts = {}
    for url in urls:
        with count_statements(engine) as n:
            assert client.get(url).status_code == 200, url
        counts[url] = n[0]
    return counts


def table_counts():
    """Rows per table: to show that a rejected request wrote nothing."""
    names = inspect(db.engine).get_table_names()
    with db.engine.connect() as connection:
        return {
            name: connection.execute(text(f'SELECT count(*) FROM "{name}"')).scalar()
            for name in names
        }


def make_control(risk, description="Multi-agency audit programme", **fields):
    control = services.save_mitigation(risk, None, Control, {"description": description, **fields})
    db.session.commit()
    return control


def make_action(risk, description="Recruit two social workers", due_on=None, **fields):
    action = services.save_mitigation(
        risk, None, Action, {"description": description, "due_on": due_on, **fields}
    )
    db.session.commit()
    return action


def make_meeting(held_on, title="Board meeting", agreed_at=None, notes=""):
    meeting = Meeting(held_on=held_on, title=title, agreed_at=agreed_at, notes=notes)
    db.session.add(meeting)
    if agreed_at is not None:  # agreed without services.agree_register: baselines move too
        refresh_scores()
    db.session.commit()
    return meeting


def table_rows(with_ids: bool = True) -> dict[str, list[dict]]:
    """Every table's rows, by table name (tables without rows left out; in a database at an
    earlier migration, the tables and columns it has); without their ids, rows are given new
    ones when they are put back."""
    rows = {}
    inspector = sa_inspect(db.engine)
    present = set(inspector.get_table_names())
    for table in db.metadata.sorted_tables:
        if table.name not in present:
            continue
        columns = {column["name"] for column in inspector.get_columns(table.name)}
        keep = [c for c in table.columns if c.name in columns and (with_ids or c.name != "id")]
        found = db.session.execute(select(*keep)).mappings().all()
        if found:
            rows[table.name] = [dict(row) for row in found]
    return rows


def reset_database(rows):
    """Every table emptied, then given `rows` (as table_rows gives them). On PostgreSQL the ids
    start again from 1, and where rows are given with theirs go on from the highest put back,
    as they would have. (One DELETE per table in one round trip: a TRUNCATE of every table
    costs PostgreSQL seven times as long on the tests' few rows.)"""
    tables = db.metadata.sorted_tables
    with db.engine.begin() as connection:
        if ON_POSTGRES:
            connection.exec_driver_sql(
                "; ".join(f'DELETE FROM "{table.name}"' for table in reversed(tables))
                + "; SELECT "
                + ", ".join(f"setval({_sequence(table)}, 1, false)" for table in _serial(tables))
            )
        else:
            for table in reversed(tables):
                connection.execute(delete(table))
        for table in tables:
            if table.name in rows:
                connection.execute(insert(table), rows[table.name])
        if ON_POSTGRES and (
            given := [t for t in _serial(tables) if "id" in rows.get(t.name, [{}])[0]]
        ):
            connection.exec_driver_sql(
                "SELECT "
                + ", ".join(
                    f'setval({_sequence(table)}, (SELECT max(id) FROM "{table.name}"))'
                    for table in given
                )
            )


def _serial(tables):
    return [table for table in tables if "id" in table.c and table.c.id.autoincrement is not False]


def _sequence(table) -> str:
    return f"pg_get_serial_sequence('\"{table.name}\"', 'id')"


def make_agency(name="West Midlands Police"):
    """The agency called `name`, added to the list if new."""
    return db.session.get(Agency, agency_id(name))


def make_indicator(code="DA-NOTIFY", risks=(), **fields):
    """An indicator (a quarterly count summed over the year, a rise worse), committed."""
    from riskreg.indicators import services as indicator_services

    values = {
        "code": code,
        "name": f"Indicator {code}",
        "definition": "",
        "unit": "count",
        "agency_id": fields.pop("agency_id", None) or agency_id("West Midlands Police"),
        "frequency": "quarterly",
        "year_rule": "sum",
        "polarity": "up_worse",
        "amber": None,
        "red": None,
        "change_percent": None,
        "owner_name": "",
        **fields,
    }
    indicator = indicator_services.create_indicator(values, list(risks))
    db.session.commit()
    return indicator


def enter_value(indicator, period: str, value, at=None, note=""):
    """A value for the period (written as people write it: "2025-26 Q1"), committed."""
    from riskreg.domain.indicators import parse_period
    from riskreg.indicators import services as indicator_services

    new = indicator_services.NewValue(parse_period(period), value, note)
    indicator_services.add_value(indicator, new, at=at)
    db.session.commit()


def make_challenge(
    agency="West Midlands Police",
    risk=None,
    question="How has the reorganisation affected frontline child protection practice?",
    raised_on=None,
    response_due=None,
    user_id=None,
):
    """A challenge raised to `agency` (a name), about `risk` if given, committed. It was raised
    today unless `raised_on` says otherwise, and its response is due 28 days after."""
    from riskreg.challenges import services as challenge_services
    from riskreg.domain import challenges as challenge_rules

    raised_on = raised_on or clock.today()
    challenge = challenge_services.raise_challenge(
        challenge_services.NewChallenge(
            agency_id=agency_id(agency),
            risk_id=risk.id if risk is not None else None,
            question=question,
            raised_on=raised_on,
            response_due=response_due or challenge_rules.default_due(raised_on),
        ),
        user_id=user_id,
    )
    db.session.commit()
    return challenge


class TooSlow(Exception):
    pass


@contextmanager
def time_limit(seconds: float):
    """The block is stopped (TooSlow) once `seconds` have passed: a bound on work set far beyond
    what it needs, which work that grows faster than its input exceeds by far. Python notices
    the signal between steps, and the regular expression engine while it matches."""

    def stop(signum, frame):
        raise TooSlow(f"not done in {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
