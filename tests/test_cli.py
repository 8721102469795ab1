"""The command line: users, demo and backup, including bad arguments."""

import sqlite3
from contextlib import closing

import flask_migrate
import pytest
from helpers import app_config, make_risk, make_user
from sqlalchemy import func, select

from riskreg import create_app
from riskreg.extensions import db
from riskreg.models import AuditEvent, Risk, User

GOOD = "a-long-enough-password\n"


def invoke(runner, *args, input=None):
    return runner.invoke(args=list(args), input=input)


def test_users_create_list_set_role_deactivate_reset(app, runner):
    result = invoke(
        runner, "users", "create", "Chair@Example.org", "--name", "Chris Chair", "--role",
        "member", "--password-stdin", input=GOOD,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "Created member chair@example.org" in result.output
    assert (
        "chair@example.org\tChris Chair\tmember\tactive" in invoke(runner, "users", "list").output
    )
    assert invoke(runner, "users", "set-role", "chair@example.org", "manager").exit_code == 0
    assert invoke(runner, "users", "deactivate", "chair@example.org").exit_code == 0
    result = invoke(
        runner, "users", "reset-password", "chair@example.org", "--password-stdin",
        input="another-long-password\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == "chair@example.org"))
        assert (user.role, user.active) == ("manager", False)
        assert user.check_password("another-long-password")
        actions = db.session.scalars(
            select(AuditEvent.action).where(AuditEvent.entity == "user")
        ).all()
        assert actions == ["create", "update", "update", "reset-password"]


def test_users_create_prompts_for_the_password(app, runner):
    result = invoke(
        runner, "users", "create", "a@example.org", "--name", "A", "--role", "admin",
        input="a-long-enough-password\na-long-enough-password\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("args", "input", "message"),
    [
        (["users", "create", "not-an-email", "--name", "X", "--role", "member",
          "--password-stdin"], GOOD, "is not a valid email address"),
        (["users", "create", "x@example.org", "--name", "X", "--role", "boss",
          "--password-stdin"], GOOD, "Invalid value for '--role'"),
        (["users", "create", "x@example.org", "--role", "member", "--password-stdin"], GOOD,
         "Missing option '--name'"),
        (["users", "create", "x@example.org", "--name", "X", "--role", "member",
          "--password-stdin"], "short\n", "at least 10 characters"),
        (["users", "create", "manager@example.org", "--name", "X", "--role", "member",
          "--password-stdin"], GOOD, "already exists"),
        (["users", "set-role", "nobody@example.org", "member"], None, "No user with email"),
        (["users", "set-role", "manager@example.org", "owner"], None, "Invalid value"),
        (["users", "deactivate", "nobody@example.org"], None, "No user with email"),
        (["users", "reset-password", "nobody@example.org", "--password-stdin"], GOOD,
         "No user with email"),
        (["users", "frobnicate"], None, "No such command"),
    ],
)  # fmt: skip
def test_bad_arguments_give_a_message_and_a_non_zero_exit(app, runner, args, input, message):
    with app.app_context():
        make_user("manager")
        users_before = db.session.scalar(select(func.count()).select_from(User))
    result = invoke(runner, *args, input=input)
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == users_before


def test_the_last_active_admin_cannot_be_removed(app, runner):
    with app.app_context():
        make_user("admin")
    for args in (["users", "set-role", "admin@example.org", "member"],
                 ["users", "deactivate", "admin@example.org"]):  # fmt: skip
        result = invoke(runner, *args)
        assert result.exit_code != 0 and "last active admin" in result.output.replace("\n", " ")
    with app.app_context():
        make_user("admin", email="second@example.org")
    assert invoke(runner, "users", "deactivate", "admin@example.org").exit_code == 0


def test_demo_load_refuses_a_database_with_risks_unless_forced(app, runner):
    with app.app_context():
        make_risk()
    result = invoke(runner, "demo", "load")
    assert result.exit_code != 0 and "--force" in result.output
    result = invoke(runner, "demo", "load", "--force")
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Risk)) == 8


def test_demo_setup_runs_once(app, runner):
    first = invoke(runner, "demo", "setup")
    assert first.exit_code == 0, first.output
    assert first.output.count("password: ") == 3
    second = invoke(runner, "demo", "setup")
    assert "kept as it is" in second.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 3


def test_backup_copies_the_sqlite_database(tmp_path):
    # Its own SQLite app, so this runs in the PostgreSQL pass of the suite too.
    app = create_app(app_config(f"sqlite:///{tmp_path / 'live.sqlite'}"))
    runner = app.test_cli_runner()
    with app.app_context():
        flask_migrate.upgrade()
        make_risk(title="Backed up")
    target = tmp_path / "copy.sqlite"
    result = invoke(runner, "backup", str(target))
    assert result.exit_code == 0, result.output
    with closing(sqlite3.connect(target)) as copy:
        assert copy.execute("SELECT title FROM risk").fetchall() == [("Backed up",)]
    again = invoke(runner, "backup", str(target))
    assert again.exit_code != 0 and "already exists" in again.output
    missing = invoke(runner, "backup", str(tmp_path / "no" / "such" / "dir.sqlite"))
    assert missing.exit_code != 0 and "does not exist" in missing.output
    with app.app_context():
        db.engine.dispose()


def test_backup_on_postgresql_points_to_pg_dump(tmp_path):
    # Creating the engine does not connect, so no server is needed to see the refusal.
    app = create_app(app_config("postgresql+psycopg://riskreg@127.0.0.1:9/riskreg"))
    result = invoke(app.test_cli_runner(), "backup", str(tmp_path / "x.sqlite"))
    assert result.exit_code != 0 and "pg_dump" in result.output
