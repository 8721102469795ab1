"""The app's engine: how each SQLite connection is set up, and the rows that break a foreign key
(which only SQLite can come to hold)."""

from sqlalchemy import event, text

from .extensions import db


def init_app(app) -> None:
    # Flask-SQLAlchemy makes an engine per app; the listener goes on that engine only, so the
    # engines other apps and tests make are left as they are.
    with app.app_context():
        engine = db.engine
        if engine.dialect.name == "sqlite" and not event.contains(engine, "connect", set_up_sqlite):
            event.listen(engine, "connect", set_up_sqlite)


def set_up_sqlite(dbapi_connection, connection_record) -> None:
    # SQLite enforces foreign keys only on a connection that asks, as it is made (the pragma
    # is a no-op inside a transaction).
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
    # SQLite's lower() knows only ASCII; the register's text filters and title sort compare
    # lower() of both sides, so "É" matches "é" there as it does on PostgreSQL.
    dbapi_connection.create_function("lower", 1, unicode_lower, deterministic=True)


def unicode_lower(value):
    return value.lower() if isinstance(value, str) else value


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
