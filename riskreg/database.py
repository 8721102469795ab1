"""The app's engine: how each SQLite connection is set up, how a request that may write takes
SQLite's lock, and the rows that break a foreign key (which only SQLite can come to hold).

The embedded database runs in write-ahead-log mode: readers never wait for a writer (a long
import included) and a writer never waits for readers. Writers take turns: a request that may
write (any method but GET, HEAD and OPTIONS) takes the write lock before it reads anything, so
what it checks is still so when it writes, as row locks make it on PostgreSQL; it waits up to
BUSY_SECONDS for the lock, and a request that still cannot have it is told to try again (503)."""

from flask import request
from sqlalchemy import event, text

from .extensions import db
from .security import SAFE_METHODS

BUSY_SECONDS = 5


def init_app(app) -> None:
    # Flask-SQLAlchemy makes an engine per app; the listener goes on that engine only, so the
    # engines other apps and tests make are left as they are.
    with app.app_context():
        engine = db.engine
        if engine.dialect.name != "sqlite":
            return
        if not event.contains(engine, "connect", set_up_sqlite):
            event.listen(engine, "connect", set_up_sqlite)
    app.before_request(lock_before_writing)


def set_up_sqlite(dbapi_connection, connection_record) -> None:
    cursor = dbapi_connection.cursor()
    # SQLite enforces foreign keys only on a connection that asks, as it is made (the pragma
    # is a no-op inside a transaction).
    cursor.execute("PRAGMA foreign_keys=ON")
    # The log mode is kept in the file; NORMAL syncs at checkpoints, which in this mode loses
    # no committed write when the app is killed.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_SECONDS * 1000}")
    cursor.close()
    # SQLite's lower() knows only ASCII; the register's text filters and title sort compare
    # lower() of both sides, so "É" matches "é" there as it does on PostgreSQL.
    dbapi_connection.create_function("lower", 1, unicode_lower, deterministic=True)


def unicode_lower(value):
    return value.lower() if isinstance(value, str) else value


def lock_before_writing() -> None:
    """Registered for SQLite only: the request's transaction starts with the write lock."""
    if request.method in SAFE_METHODS:
        return
    connection = db.session.connection()
    # A transaction begun already (a command's, a test's) keeps the lock it has.
    if not connection.connection.dbapi_connection.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def is_busy(error) -> bool:
    """Whether a database error means SQLite's lock could not be had in time."""
    return "database is locked" in str(getattr(error, "orig", error))


def broken_foreign_keys() -> list[str]:
    """A line for each row whose foreign key names a row that is not there: its table, rowid
    and the table it refers to. PostgreSQL refuses such rows, so there it is always empty;
    SQLite can hold them from a migration (which runs with foreign keys off) or from a
    connection that never turned them on."""
    if db.engine.dialect.name != "sqlite":
        return []
    lines = []
    key_columns: dict[str, dict[int, list[str]]] = {}
    for table, rowid, parent, key in db.session.execute(text("PRAGMA foreign_key_check")):
        if table not in key_columns:
            key_columns[table] = {}
            quoted = table.replace('"', '""')
            for row in db.session.execute(text(f'PRAGMA foreign_key_list("{quoted}")')):
                key_columns[table].setdefault(row.id, []).append(row._mapping["from"])
        names = ", ".join(key_columns[table].get(key, ["a foreign key"]))
        lines.append(f"{table} row {rowid}: {names} names no row of {parent}")
    return lines
