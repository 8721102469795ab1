"""Sessions that end for real. The session cookie carries the user's session token (not their
id), so replacing the token ends every session signed in with it; a session also ends after
RISKREG_IDLE_MINUTES without a request, and PERMANENT_SESSION_LIFETIME after signing in."""

from datetime import timedelta
from urllib.parse import urlsplit

from flask import current_app, request, session, url_for
from flask_login import login_user, logout_user
from sqlalchemy import bindparam, select

from riskreg import cache
from riskreg.clock import now_utc
from riskreg.extensions import db, login_manager
from riskreg.models import User

SIGNED_IN_AT, LAST_SEEN = "signed_in_at", "last_seen"


def safe_next(target: str | None) -> str:
    """Only a path on this site (never an open redirect to somewhere else); else the dashboard."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return url_for("dashboard.index")
    if any(ord(c) < 32 or ord(c) == 127 for c in target):
        return url_for("dashboard.index")  # a line break would split the Location header
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or "\\" in target:
        return url_for("dashboard.index")
    return target


def client_address() -> str:
    # Behind a proxy, RISKREG_TRUSTED_PROXIES makes remote_addr the real client (ProxyFix).
    return (request.remote_addr or "unknown")[:64]


def start_session(user: User) -> None:
    session.clear()  # nothing of the anonymous session carries over into the signed-in one
    login_user(user)
    now = now_utc().timestamp()
    session[SIGNED_IN_AT] = session[LAST_SEEN] = now


def end_session(user: User | None) -> None:
    """Sign out here, and everywhere else this user is signed in (the caller commits)."""
    if user is not None:
        user.new_session()
    logout_user()
    session.clear()


def session_expired() -> bool:
    """Past the idle timeout or the absolute lifetime; otherwise notes this request."""
    signed_in_at, last_seen = session.get(SIGNED_IN_AT), session.get(LAST_SEEN)
    if signed_in_at is None or last_seen is None:
        return True
    now = now_utc().timestamp()
    idle = timedelta(minutes=current_app.config["RISKREG_IDLE_MINUTES"]).total_seconds()
    lifetime = current_app.permanent_session_lifetime.total_seconds()
    if now - last_seen > idle or now - signed_in_at > lifetime:
        return True
    session[LAST_SEEN] = now  # the idle clock starts again at every request
    return False


# The signed-in user, with the versions a cached page is keyed by: built once, not per request.
LOAD_USER = select(User, *cache.version_columns()).where(User.session_token == bindparam("token"))


@login_manager.user_loader
def load_user(token: str) -> User | None:
    if session_expired():
        session.clear()
        return None
    found = db.session.execute(LOAD_USER, {"token": token}).first()
    if found is None:
        return None
    user, *versions = found
    cache.keep_versions(*versions)  # read with the user: a cached page needs nothing more
    return user if user.active else None
