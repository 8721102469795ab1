"""Login everywhere, read-only members, and the security headers on every response."""

import secrets
from functools import wraps

from flask import abort, g, redirect, request, url_for
from flask_login import current_user
from werkzeug.exceptions import SecurityError
from werkzeug.middleware.proxy_fix import ProxyFix

# Endpoints anyone may reach without logging in.
PUBLIC_ENDPOINTS = {"auth.login", "accessibility.statement", "static", "healthz"}
# The steps of signing in after the first: single sign-on's way out to the provider and back,
# and the code asked after a correct password. Each checks its own part-signed-in state.
SIGN_IN_STEP_ENDPOINTS = {
    "auth.sso_start", "auth.sso_callback", "auth.code", "auth.set_up_two_step",
}  # fmt: skip
# Endpoints a member may POST to: everything else that changes state is for managers/admins.
# Everyone looks after their own account (its password and two-step verification).
# A member's one voice in the app is a challenge to an agency: they may raise one, and correct
# or withdraw their own while it is open (the views check it is theirs).
MEMBER_POST_ENDPOINTS = {
    "auth.logout", "auth.change_password", "auth.sign_out_everywhere",
    "auth.set_up_account_two_step", "auth.new_recovery_codes",
    "challenges.new", "challenges.reword", "challenges.withdraw",
}  # fmt: skip
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def role_required(*roles):
    """Only users with one of `roles` may use the view; everyone else gets 403."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return redirect(url_for("auth.login", next=request.full_path))
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        wrapped.required_roles = roles
        return wrapped

    return decorator


def require_login_and_role():
    """Before every request: log in first, and members never change data."""
    g.csp_nonce = secrets.token_urlsafe(18)
    if request.endpoint in PUBLIC_ENDPOINTS or request.endpoint in SIGN_IN_STEP_ENDPOINTS:
        return None
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    if (
        request.method not in SAFE_METHODS
        and request.endpoint not in MEMBER_POST_ENDPOINTS
        and not current_user.can_edit
    ):
        abort(403)
    return None


def refuse_untrusted_host():
    """A Host not in TRUSTED_HOSTS: a plain 400 before anything else runs, since no URL (and so
    no page of ours) can be built for it."""
    if isinstance(request.routing_exception, SecurityError):
        return "Bad request: this site does not answer to that host name.", 400
    return None


def set_security_headers(response):
    nonce = g.get("csp_nonce", "")
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; "
        f"script-src 'self' 'nonce-{nonce}'; "
        f"style-src 'self' 'nonce-{nonce}'; "
        "img-src 'self' data:; font-src 'self'; object-src 'none'; base-uri 'none'; "
        "form-action 'self'; frame-ancestors 'none'"
    )
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "same-origin"
    response.headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()"
    if request.endpoint != "static":
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def init_app(app):
    proxies = app.config["RISKREG_TRUSTED_PROXIES"]
    if proxies:
        # The client's address (for throttling) and scheme as the trusted proxies saw them.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    app.before_request_funcs.setdefault(None, []).insert(0, refuse_untrusted_host)
    app.before_request(require_login_and_role)
    app.after_request(set_security_headers)
