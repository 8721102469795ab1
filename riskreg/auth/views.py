"""Signing in and out, and Your account: the password, two-step verification and signing out
everywhere."""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from riskreg.clock import now_utc
from riskreg.extensions import db
from riskreg.models import User

from . import throttle, totp, twostep
from .accounts import password_matches, set_password, sign_in_ways
from .blueprint import bp
from .forms import ChangePasswordForm, LoginForm, NewRecoveryCodesForm, SignOutEverywhereForm
from .providers import configured, password_sign_in
from .sessions import client_address, end_session, safe_next, start_session


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm()
    status, error, headers = 200, None, {}
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        client = client_address()
        refused = throttle.refusal(email, client)
        if refused is not None:
            error, headers = refused.answer(now_utc(), "failed sign-in attempts")
            status = 429
        else:
            user = db.session.scalar(select(User).where(User.email == email))
            password_right = password_matches(user, form.password.data)
            if user is not None and user.active and password_right:
                throttle.forget_failures(email, client)
                db.session.commit()
                if password_sign_in() or user.break_glass:
                    return twostep.after_password(user)
                error = (
                    "This account signs in with single sign-on: use the button above. "
                    "Only break-glass accounts sign in with a password here"
                )
                status = 403
            else:
                throttle.record_failure(email, client)
                db.session.commit()
                error = "Email address or password is not right, or the account is deactivated"
                status = 401
        form.password.errors = [error]
    elif form.errors:
        status = 400
    return (
        render_template(
            "auth/login.html",
            form=form,
            error=error,
            providers=configured(),
            password_sign_in=password_sign_in(),
            next=request.args.get("next"),
        ),
        status,
        headers,
    )


@bp.route("/logout", methods=["POST"])
def logout():
    """Signing out here signs out every device: the session token is replaced."""
    end_session(current_user._get_current_object() if current_user.is_authenticated else None)
    db.session.commit()
    return redirect(url_for("auth.login"))


@bp.route("/account")
def account():
    return account_page()


def account_page(status=200, headers=None, **forms):
    forms.setdefault("password_form", ChangePasswordForm(formdata=None))
    forms.setdefault("everywhere_form", SignOutEverywhereForm(formdata=None))
    forms.setdefault("recovery_form", NewRecoveryCodesForm(formdata=None))
    failed = next((f for f in forms.values() if f.errors), None)
    user = current_user._get_current_object()
    return (
        render_template(
            "auth/account.html",
            title="Your account",
            form=failed,
            sign_in_ways=sign_in_ways(user),
            recovery_codes_left=totp.unused_recovery_codes(user) if user.has_two_step else 0,
            idle_minutes=current_app.config["RISKREG_IDLE_MINUTES"],
            lifetime_hours=f"{current_app.permanent_session_lifetime.total_seconds() / 3600:g}",
            **forms,
        ),
        status,
        headers or {},
    )


@bp.route("/account/two-step", methods=["GET", "POST"])
def set_up_account_two_step():
    user = current_user._get_current_object()
    if user.has_two_step or not totp.applies_to(user):
        flash(
            "Two-step verification is on for your account already."
            if user.has_two_step
            else "Your account signs in with single sign-on, which checks who you are."
        )
        return redirect(url_for(".account"))
    return twostep.set_up_page(
        user,
        intro="After your password, signing in will ask for a code from an app on your phone.",
        done=url_for(".account"),
        done_text="Back to your account",
    )


@bp.route("/account/recovery-codes", methods=["POST"])
def new_recovery_codes():
    form = NewRecoveryCodesForm()
    user = current_user._get_current_object()
    if not user.has_two_step:
        flash("Set up two-step verification first: it gives you recovery codes.")
        return redirect(url_for(".account"))
    if not form.validate():
        return account_page(400, recovery_form=form)
    codes, error, status, headers = twostep.checked(
        user, lambda: totp.renew_recovery_codes(user, form.code.data)
    )
    if codes is None:
        form.code.errors.append(error)
        return account_page(status, headers, recovery_form=form)
    db.session.commit()
    return render_template(
        "auth/recovery_codes.html",
        title="Your new recovery codes",
        heading="New recovery codes",
        codes=codes,
        done=url_for(".account"),
        done_text="Back to your account",
    )


@bp.route("/account/password", methods=["POST"])
def change_password():
    form = ChangePasswordForm()
    if form.validate() and not current_user.check_password(form.current_password.data):
        form.current_password.errors = ["Your current password is not right"]
    if form.errors:
        return account_page(400, password_form=form)
    user = current_user._get_current_object()
    set_password(user, form.new_password.data, own=True)
    db.session.commit()
    # Every other session ends with the old token; this one carries on with the new.
    start_session(user)
    flash("Your password is changed. You are signed out everywhere else.")
    return redirect(url_for(".account"))


@bp.route("/account/sign-out-everywhere", methods=["POST"])
def sign_out_everywhere():
    form = SignOutEverywhereForm()
    if not form.validate():
        return account_page(400, everywhere_form=form)
    end_session(current_user._get_current_object())
    db.session.commit()
    flash("You are signed out on every device, this one too.")
    return redirect(url_for(".login"))
