"""Fixtures: a fresh app and database per test, users of each role, and factories."""

import gc
import os
from datetime import datetime, timedelta

import flask_migrate
import jinja2
import pytest
from helpers import (
    ON_POSTGRES,
    PASSWORD,
    add_test_agencies,
    app_config,
    make_user,
    reset_database,
    table_rows,
)
from sqlalchemy import create_engine, make_url, select, text
from werkzeug.routing import Rule

from riskreg import clock, create_app
from riskreg.demo.load import load_demo
from riskreg.extensions import db
from riskreg.models import User


class _MidMorningClock(datetime):
    """The real clock moved so that the test session starts at 10 am on the board's date: a run
    that crosses midnight would otherwise see "today" change between a test's setup and its
    request. Elapsed time stays real, so timestamps still order as they were made."""

    offset = timedelta(0)

    @classmethod
    def now(cls, tz=None):
        return datetime.now(tz) + cls.offset


def _start_the_session_at_mid_morning():
    real = datetime.now(clock.board_zone())
    mid_morning = real.replace(hour=10, minute=0, second=0, microsecond=0)
    _MidMorningClock.offset = mid_morning - real
    clock.datetime = _MidMorningClock


_start_the_session_at_mid_morning()

# Each test builds an app and its objects, and Python's default threshold (a collection every
# 700 allocations) made a full collection of the whole heap so frequent that it took a fifth
# of the suite's time; collecting every 10,000 costs about 100 MB more per worker.
gc.set_threshold(10_000, 10, 10)

# The OpenID provider the tests start speaks plain HTTP on a loopback port: Authlib allows it
# only with this switch, which riskreg refuses outside tests.
os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"


def _provider_server(**options):
    from oidc_provider_mock import run_server_in_thread

    with run_server_in_thread(port=0, require_nonce=True, **options) as server:
        yield f"http://localhost:{server.server_port}"


def pytest_collection_modifyitems(config, items):
    """On PostgreSQL, the tests about the embedded database alone are not run (deselected, and
    said so), rather than skipped."""
    if not ON_POSTGRES:
        return
    embedded = [item for item in items if item.get_closest_marker("embedded")]
    if embedded:
        config.hook.pytest_deselected(items=embedded)
        items[:] = [item for item in items if not item.get_closest_marker("embedded")]


@pytest.fixture(scope="session")
def oidc_provider():
    """A real OpenID provider (oidc-provider-mock: Authlib's server) on a loopback port, with
    its own sign-in page; its URL is its issuer."""
    yield from _provider_server()


@pytest.fixture(scope="session")
def expired_oidc_provider():
    """The same, but every ID token it signs expired ten minutes before it was issued."""
    yield from _provider_server(access_token_max_age=timedelta(minutes=-10))


@pytest.fixture(scope="session")
def database_url(tmp_path_factory, worker_id):
    """SQLite in a temporary folder, or the PostgreSQL database RISKREG_TEST_DATABASE_URL
    names; with pytest-xdist each worker gets a database of its own beside that one."""
    url = os.environ.get("RISKREG_TEST_DATABASE_URL")
    if not url:
        return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "riskreg-test.sqlite")
    if worker_id == "master":
        return url
    worker_url = make_url(url).set(database=f"{make_url(url).database}_{worker_id}")
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{worker_url.database}"'))
        connection.execute(text(f'CREATE DATABASE "{worker_url.database}"'))
    engine.dispose()
    return worker_url.render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def reference_rows(database_url):
    """Build the schema once with the migrations (from empty), and remember the reference data
    they seed, which every test starts from."""
    app = create_app(app_config(database_url))
    with app.app_context():
        with db.engine.begin() as connection:
            for table in reversed(db.metadata.sorted_tables):
                connection.execute(
                    text(
                        f'DROP TABLE IF EXISTS "{table.name}" CASCADE'
                        if ON_POSTGRES
                        else f'DROP TABLE IF EXISTS "{table.name}"'
                    )
                )
            connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
        flask_migrate.upgrade()
        rows = table_rows(with_ids=False)  # ids are given anew
        db.session.remove()
        db.engine.dispose()
    return rows


class _CompiledTemplates(jinja2.BytecodeCache):
    """Templates compiled once per test process and shared by every test's fresh app: a page's
    first view in a new app is otherwise nearly all compiling its templates. Jinja checks each
    template's source against what was compiled, so an edited template is compiled again."""

    def __init__(self):
        self.compiled = {}

    def load_bytecode(self, bucket):
        if (code := self.compiled.get(bucket.key)) is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket):
        self.compiled[bucket.key] = bucket.bytecode_to_string()


COMPILED_TEMPLATES = _CompiledTemplates()


def _compile_each_url_builder_once():
    """Werkzeug writes and compiles a URL builder (with ast and compile) for every rule of
    every new app: most of the 40 ms a test's fresh app takes to build. A builder's code depends
    only on the rule's parts, defaults and converters, and takes the rule as its argument, so
    the tests' apps share one builder per distinct rule."""
    compile_builder = Rule._compile_builder
    builders = {}

    def compile_builder_once(rule, append_unknown=True):
        key = (
            tuple(rule._trace),
            tuple(sorted((name, repr(value)) for name, value in (rule.defaults or {}).items())),
            tuple((name, type(converter)) for name, converter in rule._converters.items()),
            append_unknown,
        )
        if (builder := builders.get(key)) is None:
            builder = builders[key] = compile_builder(rule, append_unknown)
        return builder

    Rule._compile_builder = compile_builder_once


_compile_each_url_builder_once()


def new_app(database_url, **overrides):
    """An app as the tests use it: the test configuration, the shared compiled templates."""
    app = create_app(app_config(database_url, **overrides))
    app.jinja_env.bytecode_cache = COMPILED_TEMPLATES
    return app


@pytest.fixture
def app_overrides():
    """Config for this test's app beyond app_config(); browser tests turn CSRF back on."""
    return {}


@pytest.fixture
def app(database_url, reference_rows, app_overrides):
    app = new_app(database_url, **app_overrides)
    with app.app_context():
        reset_database(reference_rows)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture(scope="session")
def demo_rows(database_url, reference_rows):
    """The demo register as demo.load_demo() leaves it, built once per test process: every
    table's rows, ids and all, for the `demo` fixture to copy into each test's database."""
    app = new_app(database_url)
    with app.app_context():
        reset_database(reference_rows)
        load_demo()
        db.session.commit()
        rows = table_rows()
        db.session.remove()
        db.engine.dispose()
    return rows


@pytest.fixture
def demo(demo_rows, app):
    """This test's fresh database holds the demo register, as demo.load_demo() leaves it."""
    with app.app_context():
        reset_database(demo_rows)


@pytest.fixture
def agencies(app):
    """helpers.AGENCIES on the list, with the ids the forms' test data post."""
    with app.app_context():
        add_test_agencies()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def ctx(app):
    """An application context for tests that work with the database directly."""
    with app.app_context():
        yield


@pytest.fixture
def login(client, app):
    """login("member") signs the test client in as a new user with that role."""

    def sign_in(role="manager"):
        with app.app_context():
            user = db.session.scalar(select(User).where(User.email == f"{role}@example.org"))
            if user is None:
                user = make_user(role)
            email = user.email
        response = client.post("/login", data={"email": email, "password": PASSWORD})
        assert response.status_code == 302, response.text
        return client

    return sign_in
