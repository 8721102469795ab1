"""Configuration: code defaults here, then instance/config.py, then the environment."""

import os
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .clock import DEFAULT_TIME_ZONE

DEFAULT_SECRET_KEY = "dev-only-not-secret"

# Settings that may come from the environment, and how to read them.
ENVIRONMENT_SETTINGS = {
    "SECRET_KEY": str,
    "DATABASE_URL": str,
    "RISKREG_BOARD_NAME": str,
    "RISKREG_TIME_ZONE": str,
    "SESSION_COOKIE_SECURE": lambda v: v.lower() in {"1", "true", "yes"},
    "RISKREG_IDLE_MINUTES": int,
    "PERMANENT_SESSION_LIFETIME": int,
    "RISKREG_TRUSTED_PROXIES": int,
    "RISKREG_FRAGMENT_CACHE": lambda v: v.lower() in {"1", "true", "yes"},
    "PDF_MAX_RISKS": int,
    "PDF_TIMEOUT": int,
    "MAIL_SERVER": str,
    "MAIL_PORT": int,
    "MAIL_USERNAME": str,
    "MAIL_PASSWORD": str,
    "MAIL_SENDER": str,
    "RISKREG_BASE_URL": str,
    "RISKREG_TRUSTED_HOSTS": lambda v: [host.strip() for host in v.split(",") if host.strip()],
    "RISKREG_PASSWORD_SIGN_IN": lambda v: v.lower() in {"1", "true", "yes"},
    "RISKREG_SIGN_IN_PROVIDERS": str,  # JSON; see riskreg/auth/providers.py
}


class Defaults:
    SECRET_KEY = DEFAULT_SECRET_KEY
    DATABASE_URL = None  # None: SQLite in the instance folder
    RISKREG_BOARD_NAME = "Local Safeguarding Children Board"
    RISKREG_TIME_ZONE = DEFAULT_TIME_ZONE  # the board's "today" and every time shown
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    PERMANENT_SESSION_LIFETIME = 8 * 60 * 60
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    # Sign-in throttling: failures in the window, per account at one address and per address.
    LOGIN_FAILURE_LIMIT = 5
    LOGIN_ADDRESS_FAILURE_LIMIT = 20
    LOGIN_FAILURE_WINDOW_MINUTES = 15
    # Failures at one account from any addresses, within the window, before each further
    # attempt waits twice as long after the last failure (1 s, 2 s, 4 s...), up to the most.
    LOGIN_ACCOUNT_FAILURE_LIMIT = 10
    LOGIN_ACCOUNT_DELAY_SECONDS = 60
    RISKREG_IDLE_MINUTES = 60  # a session ends after this long without a request
    # How many proxies in front of the app set X-Forwarded-For (0: none, the peer is the client).
    RISKREG_TRUSTED_PROXIES = 0
    # An import's preview carries the file (compressed) in a form field to its confirmation.
    MAX_FORM_MEMORY_SIZE = 3 * 1024 * 1024
    # Rendered register pages kept in each app server (riskreg/cache.py): how many.
    RISKREG_FRAGMENT_CACHE = True
    FRAGMENT_CACHE_SIZE = 128
    # PDFs (riskreg/ui/pdf.py) are typeset by Typst in a process of their own, stopped after
    # PDF_TIMEOUT seconds (keep it below the web server's worker timeout). Typst holds about
    # half a megabyte a risk while it works: the summary PDF refuses more than PDF_MAX_RISKS.
    PDF_TIMEOUT = 60
    PDF_MAX_RISKS = 2_000
    MAIL_SERVER = None  # None: no email is sent
    MAIL_PORT = 25
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_SENDER = "riskreg@localhost"
    # Where the app is reached, as people's browsers reach it ("https://risks.example.org"):
    # links in e-mails start with it, never with the Host a request claimed. Needed with mail.
    RISKREG_BASE_URL = None
    # The host names the app answers to (Flask's TRUSTED_HOSTS); None: any.
    RISKREG_TRUSTED_HOSTS = None
    # Single sign-on (riskreg/auth/providers.py): the identity providers, and whether everyone
    # may also sign in with a password (False: only accounts marked break-glass).
    RISKREG_SIGN_IN_PROVIDERS = ()
    RISKREG_PASSWORD_SIGN_IN = True
    SSO_TIMEOUT = 10  # seconds to wait for an identity provider's answer
    # None: Werkzeug's default (scrypt), deliberately slow. Only tests may choose a cheap one.
    PASSWORD_HASH_METHOD = None


def load(app, test_config=None):
    """Fill app.config from the three layers, in order of precedence."""
    app.config.from_object(Defaults)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        for name, parse in ENVIRONMENT_SETTINGS.items():
            if name in os.environ:
                app.config[name] = parse(os.environ[name])
    else:
        app.config.update(test_config)

    url = app.config["DATABASE_URL"] or "sqlite:///" + os.path.join(
        app.instance_path, "riskreg.sqlite"
    )
    # Heroku-style URLs name the old driver; psycopg 3 is the one installed.
    if url.startswith(("postgres://", "postgresql://")):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    app.config["SQLALCHEMY_DATABASE_URI"] = url

    try:
        ZoneInfo(app.config["RISKREG_TIME_ZONE"])
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise RuntimeError(
            f"RISKREG_TIME_ZONE {app.config['RISKREG_TIME_ZONE']!r} is not a time zone; "
            "use an IANA name such as Europe/London."
        ) from error

    base_url = app.config["RISKREG_BASE_URL"]
    if base_url and not base_url.startswith(("https://", "http://")):
        raise RuntimeError(f"RISKREG_BASE_URL {base_url!r} must start with https:// (or http://).")
    if app.config["MAIL_SERVER"] and not base_url:
        raise RuntimeError(
            "MAIL_SERVER is set but RISKREG_BASE_URL is not: e-mails link to the register, so "
            "set where it is reached, e.g. RISKREG_BASE_URL=https://risks.example.org"
        )
    if app.config["RISKREG_TRUSTED_HOSTS"]:
        app.config["TRUSTED_HOSTS"] = list(app.config["RISKREG_TRUSTED_HOSTS"])

    if app.config["PASSWORD_HASH_METHOD"] and not app.testing:
        raise RuntimeError("PASSWORD_HASH_METHOD is for tests only; remove it from the config.")

    if app.config["SECRET_KEY"] == DEFAULT_SECRET_KEY and not (app.debug or app.testing):
        raise RuntimeError(
            "riskreg refuses to start with the default SECRET_KEY. Set one in the environment "
            "(SECRET_KEY=...) or in instance/config.py, e.g.\n"
            "  python -c \"import secrets; print(f'SECRET_KEY = {secrets.token_hex(32)!r}')\" "
            ">> instance/config.py"
        )
