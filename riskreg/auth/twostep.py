"""Two-step verification: what follows a correct password. A user with two-step verification is
asked for a code; one who must have it (a break-glass account, or an admin or manager where
the board requires it) sets it up first. Until then the session holds only a pending sign-in
(who, their session token, when), which lasts five minutes and ends if their sessions end."""

from datetime import timedelta

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user

from riskreg.clock import now_utc
from riskreg.extensions import db
from riskreg.models import User

from . import throttle, totp
from .blueprint import bp
from .forms import SetUpTwoStepForm, SignInCodeForm
from .sessions import client_address, safe_next, start_session

PENDING = "pending_sign_in"
PENDING_FOR = timedelta(minutes=5)
WRONG_CODE = "That code is not right, or it has been used already. Check the code and try again"


def after_password(user):
    """The response to a correct password for `user`."""
    if totp.applies_to(user) and user.has_two_step:
        return _pending(user, "auth.code")
    if totp.required_for(user):
        return _pending(user, "auth.set_up_two_step")
    start_session(user)
    return redirect(safe_next(request.args.get("next")))


def _pending(user: User, endpoint: str):
    session.clear()  # nothing of an earlier session carries over
    session[PENDING] = {
        "user": user.id,
        "token": user.session_token,
        "at": now_utc().timestamp(),
    }
    return redirect(url_for(endpoint, next=request.args.get("next")))


def pending_user() -> User | None:
    """The user whose password was right a moment ago, while their sign-in is still pending."""
    state = session.get(PENDING)
    if not isinstance(state, dict):
        return None
    started = state.get("at")
    if not isinstance(started, int | float):
        return None
    if now_utc().timestamp() - started > PENDING_FOR.total_seconds():
        return None
    user = db.session.get(User, state.get("user")) if isinstance(state.get("user"), int) else None
    if user is None or not user.active or user.session_token != state.get("token"):
        return None  # deactivated, or signed out everywhere (a reset, a new password) since
    return user


def back_to_sign_in():
    if current_user.is_authenticated:  # signed in already: nothing is pending
        return redirect(safe_next(request.args.get("next")))
    session.clear()
    flash("Your sign-in has ended (after 5 minutes, or a change to the account). Sign in again.")
    return redirect(url_for("auth.login", next=request.args.get("next")))


def checked(user: User, attempt):
    """`attempt()` throttled like a password: (its result, or None; the error to show next to
    the field; the status; the headers). A wrong code counts as a failed sign-in."""
    client = client_address()
    refused = throttle.refusal(user.email, client)
    if refused is not None:
        error, headers = refused.answer(now_utc(), "wrong codes or passwords")
        return None, error, 429, headers
    result = attempt()
    if not result:
        db.session.rollback()
        throttle.record_failure(user.email, client)
        db.session.commit()
        return None, WRONG_CODE, 401, {}
    throttle.forget_failures(user.email, client)
    return result, None, 200, {}


def _second_step(user: User, code: str) -> str | None:
    """Which kind of code `code` is, if it is one of `user`'s: "app" or "recovery"."""
    if totp.looks_like_app_code(code):
        return "app" if totp.accept_code(user, code) else None
    return "recovery" if totp.use_recovery_code(user, code) else None


@bp.route("/login/code", methods=["GET", "POST"])
def code():
    user = pending_user()
    if user is None or not user.has_two_step:
        return back_to_sign_in()
    form = SignInCodeForm()
    status, headers = 200, {}
    if form.validate_on_submit():
        kind, error, status, headers = checked(user, lambda: _second_step(user, form.code.data))
        if kind is not None:
            db.session.commit()
            start_session(user)
            if kind == "recovery":
                left = totp.unused_recovery_codes(user)
                flash(
                    f"You signed in with a recovery code. You have {left} unused recovery "
                    f"code{'s' * (left != 1)} left: get new ones on Your account."
                )
            return redirect(safe_next(request.args.get("next")))
        form.code.errors.append(error)
    elif form.errors:
        status = 400
    return (
        render_template(
            "auth/code.html",
            title="Enter your code",
            form=form if form.errors else None,
            code_form=form,
        ),
        status,
        headers,
    )


@bp.route("/login/set-up-two-step", methods=["GET", "POST"])
def set_up_two_step():
    user = pending_user()
    if user is None or not totp.required_for(user):
        return back_to_sign_in()
    return set_up_page(
        user,
        intro="This account must use two-step verification. Set it up now to sign in.",
        done=safe_next(request.args.get("next")),
        done_text="Continue",
        on_success=lambda: start_session(user),
    )


def set_up_page(user: User, *, intro: str, done: str, done_text: str, on_success=None):
    """The page setting up two-step verification for `user`, at sign-in or on Your account: a
    QR code and the secret in text, then a first code; answered with the recovery codes, shown
    in the answer to the POST only (never in a cookie or a URL; pages are not cached)."""
    if not user.has_two_step and not totp.is_secret(user.totp_secret):
        if request.method != "GET":  # no key was shown to confirm: show one (a refusal of
            return redirect(request.full_path.rstrip("?"))  # a code writes nothing)
        # Kept on the account until a first code confirms it: the session cookie is signed,
        # not secret, so the key must never travel in it.
        user.totp_secret = totp.new_secret()
        db.session.commit()
    secret = user.totp_secret
    form = SetUpTwoStepForm()
    status = 200
    if form.validate_on_submit():
        codes = totp.enrol(user, secret, form.code.data)
        if codes is not None:
            db.session.commit()
            if on_success is not None:
                on_success()
            return render_template(
                "auth/recovery_codes.html",
                title="Your recovery codes",
                heading="Two-step verification is on",
                codes=codes,
                done=done,
                done_text=done_text,
            )
        form.code.errors.append(
            "That code is not right. Check that the app has the key shown here, and enter the "
            "code it shows now"
        )
    if form.errors:
        status = 400
    return render_template(
        "auth/set_up_two_step.html",
        title="Set up two-step verification",
        intro=intro,
        form=form if form.errors else None,
        set_up_form=form,
        qr_code=totp.qr_code_svg(
            totp.provisioning_uri(secret, user.email), "QR code to scan with your authenticator app"
        ),
        secret=totp.grouped(secret),
    ), status
