"""Rendered fragments cached in the app server, and the register version that keeps them right.

Every transaction that writes anything a register page shows bumps one row's number
(models.RegisterVersion) as it commits. A cached fragment is keyed by that number, the scheme
version, the query string, the viewer's role and the board's today (overdue flags change at
midnight with no write), so it is never stale, whichever app server made the write. A cached
page is cached whole, with what is this request's own (the CSP nonce, the CSRF token, the
user's name, what is theirs on the dashboard) put in at marks for each request (ui.cached_page);
a page with a banner to show is drawn around the cached body. The signed-in user and the
versions are read in one statement. Pages keep Cache-Control: no-store, so nothing is cached
outside the server."""

import threading
from collections import OrderedDict
from collections.abc import Callable
from itertools import chain

from flask import current_app, g, has_app_context, request
from flask_login import current_user
from sqlalchemy import event, func, insert, select, update

from . import clock
from .extensions import db
from .models import RegisterVersion
from .readmodel import active_scheme_version

# Tables whose writes no register page shows: failed sign-ins, accounts and how they sign in
# (an account change that shows, a name in the audit trail, comes with an audit event, which
# does bump).
UNSHOWN_TABLES = {"login_attempt", "user", "sign_in_link", "recovery_code", "register_version"}
CHANGED = "riskreg_register_changed"


def note_flushed_change(session, flush_context):
    # new, dirty and deleted still hold what was flushed while this event runs.
    if any(
        obj.__table__.name not in UNSHOWN_TABLES
        for obj in chain(session.new, session.dirty, session.deleted)
    ):
        session.info[CHANGED] = True


def note_statement_change(state):
    """Bulk INSERT, UPDATE and DELETE statements bypass the flush."""
    if state.is_insert or state.is_update or state.is_delete:
        if state.statement.table.name not in UNSHOWN_TABLES:
            state.session.info[CHANGED] = True


def bump_register_version(session):
    session.flush()  # so that what the commit would flush is noted first
    if not session.info.pop(CHANGED, False):
        return
    bumped = session.execute(
        update(RegisterVersion)
        .where(RegisterVersion.id == 1)
        .values(version=RegisterVersion.version + 1)
        .execution_options(synchronize_session=False)
    )
    if bumped.rowcount == 0:  # a database whose row went missing starts again above any key
        session.execute(insert(RegisterVersion).values(id=1, version=2))
    if has_app_context():
        g.pop("register_versions", None)  # read again by whatever this request draws next


def forget_change(session, previous_transaction):
    session.info.pop(CHANGED, None)


SESSION_LISTENERS = {
    "after_flush": note_flushed_change,
    "do_orm_execute": note_statement_change,
    "before_commit": bump_register_version,
    "after_soft_rollback": forget_change,
}


def version_columns() -> tuple:
    """The register version and the latest scheme version as SQL, for the statement that loads
    the signed-in user to read as well (auth/sessions.py): one round trip for both."""
    register = select(func.coalesce(func.max(RegisterVersion.version), 0)).scalar_subquery()
    return register, active_scheme_version()


def keep_versions(register: int, scheme: int | None) -> None:
    g.register_versions = (register, scheme or 0)


def versions() -> tuple[int, int]:
    """(register version, latest scheme version), read once per request: with the signed-in
    user, or else in a statement of their own."""
    if "register_versions" not in g:
        keep_versions(*db.session.execute(select(*version_columns())).one())
    return g.register_versions


class FragmentCache:
    """A small least-recently-used map, shared by the threads of one app server."""

    def __init__(self, size: int):
        self.size = size
        self.entries: OrderedDict = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            if key in self.entries:
                self.entries.move_to_end(key)
                return self.entries[key]
        return None

    def put(self, key, value) -> None:
        with self.lock:
            self.entries[key] = value
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)


def fragment_key(name: str) -> tuple:
    return (
        name,
        *versions(),
        tuple(sorted(request.args.items(multi=True))),
        current_user.role if current_user.is_authenticated else "",
        clock.today(),
    )


def _remembered(key: tuple, compute: Callable[[], object]):
    store = current_app.extensions.get("riskreg_fragments")
    if store is None:
        return compute()
    value = store.get(key)
    if value is None:
        value = compute()
        store.put(key, value)
    return value


def cached(name: str, render: Callable[[], object]):
    """What `render()` returns for this page as the request asks for it: from the cache when
    the register, the query string, the role and the day are the same, else rendered now."""
    return _remembered(fragment_key(name), render)


def per_version(name: str, compute: Callable[[], object], *parts):
    """A board-wide value read from the database (the settings, the band colours), or drawn
    from it for `parts` (a role and page), kept until the register next changes; the caller
    must not change what it returns."""
    return _remembered((name, *versions(), *parts), compute)


def init_app(app) -> None:
    # On the app's sessions (db.session's factory), not on every Session in the process. db
    # is one extension shared by every app made in the process, so they are listened for once.
    for identifier, listener in SESSION_LISTENERS.items():
        if not event.contains(db.session, identifier, listener):
            event.listen(db.session, identifier, listener)
    if app.config["RISKREG_FRAGMENT_CACHE"]:
        app.extensions["riskreg_fragments"] = FragmentCache(app.config["FRAGMENT_CACHE_SIZE"])
