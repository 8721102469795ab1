"""Logging in and out, with failed logins throttled per account and per client."""

from datetime import timedelta
from urllib.parse import urlsplit

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_login import current_user, login_user, logout_user
from flask_wtf import FlaskForm
from govuk_frontend_wtf.wtforms_widgets import GovPasswordInput, GovSubmitInput, GovTextInput
from sqlalchemy import delete, func, or_, select
from wtforms import EmailField, PasswordField, SubmitField
from wtforms.validators import InputRequired, Length

from riskreg.clock import now_utc
from riskreg.extensions import db, login_manager
from riskreg.models import LoginAttempt, User

bp = Blueprint("auth", __name__)


class LoginForm(FlaskForm):
    email = EmailField(
        "Email address",
        widget=GovTextInput(),
        validators=[InputRequired("Enter your email address"), Length(max=254)],
    )
    password = PasswordField(
        "Password",
        widget=GovPasswordInput(),
        validators=[InputRequired("Enter your password"), Length(max=200)],
    )
    submit = SubmitField("Sign in", widget=GovSubmitInput())


def safe_next(target: str | None) -> str:
    """Only a path on this site: never an open redirect to somewhere else."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return url_for("register.index")
    if any(ord(c) < 32 or ord(c) == 127 for c in target):
        return url_for("register.index")  # a line break would split the Location header
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or "\\" in target:
        return url_for("register.index")
    return target


def client_address() -> str:
    # Behind a proxy, configure ProxyFix so remote_addr is the real client.
    return (request.remote_addr or "unknown")[:64]


def recent_failures(email: str, client: str) -> int:
    window = timedelta(minutes=current_app.config["LOGIN_FAILURE_WINDOW_MINUTES"])
    by_email, by_client = db.session.execute(
        select(
            func.count().filter(LoginAttempt.email == email),
            func.count().filter(LoginAttempt.client == client),
        ).where(
            LoginAttempt.at > now_utc() - window,
            or_(LoginAttempt.email == email, LoginAttempt.client == client),
        )
    ).one()
    return max(by_email, by_client)


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm()
    status = 200
    error = None
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        client = client_address()
        if recent_failures(email, client) >= current_app.config["LOGIN_FAILURE_LIMIT"]:
            minutes = current_app.config["LOGIN_FAILURE_WINDOW_MINUTES"]
            error = (
                f"Too many failed sign-in attempts. Wait {minutes} minutes and try again, "
                "or ask an administrator to reset your password."
            )
            status = 429
        else:
            user = db.session.scalar(select(User).where(User.email == email))
            if user is not None and user.active and user.check_password(form.password.data):
                db.session.execute(delete(LoginAttempt).where(LoginAttempt.email == email))
                db.session.commit()
                login_user(user)
                return redirect(safe_next(request.args.get("next")))
            db.session.add(LoginAttempt(email=email, client=client))
            db.session.commit()
            error = "Email address or password is not right, or the account is deactivated"
            status = 401
        form.password.errors = [error]
    elif form.errors:
        status = 400
    return render_template("auth/login.html", form=form, error=error), status


@bp.route("/logout", methods=["POST"])
def logout():
    logout_user()
    return redirect(url_for("auth.login"))


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    return user if user is not None and user.active else None
