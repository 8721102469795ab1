"""User accounts (admins only). The account rules and their audited changes are in
auth/accounts.py, shared with the command line and the demo."""

from functools import wraps

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from riskreg.auth import totp
from riskreg.auth.accounts import (
    add_user,
    change_user,
    last_admin_problem,
    new_password,
    normalised_email,
    set_password,
)
from riskreg.auth.providers import name_of
from riskreg.extensions import db
from riskreg.models import User
from riskreg.ui import form_status

from .blueprint import admin_only, bp
from .forms import (
    ROLE_ITEMS,
    NewUserForm,
    PasswordForm,
    RemoveLinkForm,
    ResetTwoStepForm,
    RoleForm,
    StatusForm,
)


@bp.route("/users")
@admin_only
def users():
    people = db.session.scalars(select(User).order_by(User.active.desc(), User.name)).all()
    return render_template("admin/users.html", title="Users", people=people)


@bp.route("/users/new", methods=["GET", "POST"])
@admin_only
def new_user():
    form = NewUserForm()
    if form.validate_on_submit():
        email = normalised_email(form.email.data)
        if email is None or len(email) > 254:
            form.email.errors.append("Enter an email address like name@example.org")
        elif db.session.scalar(select(User.id).where(User.email == email)):
            form.email.errors.append(f"There is already a user with the email address {email}")
        else:
            password = form.password.data or new_password()
            try:
                user = add_user(email, form.name.data, form.role.data, password)
            except IntegrityError:  # the same email, added by someone else a moment ago
                db.session.rollback()
                abort(409)
            db.session.commit()
            if form.password.data:
                flash(f"Created {user.name} ({user.role}).")
                return redirect(url_for(".user", user_id=user.id))
            return show_password(user, password, "created")
    return render_template(
        "admin/user_new.html", title="Add a user", form=form, role_items=ROLE_ITEMS
    ), form_status()


def show_password(user: User, password: str, what: str):
    # Rendered in answer to the POST rather than after a redirect: the password must not travel
    # in a cookie or a URL. Pages are never cached (Cache-Control: no-store).
    return render_template(
        "admin/password.html", title="Password", person=user, password=password, what=what
    )


def user_page(person: User, status=200, **forms):
    forms.setdefault("role_form", RoleForm(formdata=None, role=person.role))
    forms.setdefault("status_form", StatusForm(formdata=None))
    forms.setdefault("password_form", PasswordForm(formdata=None))
    forms.setdefault("two_step_form", ResetTwoStepForm(formdata=None))
    failed = next((f for f in forms.values() if f.errors), None)
    return render_template(
        "admin/user.html",
        title=person.name,
        person=person,
        form=failed,
        role_items=ROLE_ITEMS,
        provider_name=name_of,
        remove_link_form=RemoveLinkForm(formdata=None),
        **forms,
    ), status


@bp.route("/users/<int:user_id>")
@admin_only
def user(user_id):
    return user_page(db.get_or_404(User, user_id))


def user_form_action(path: str, form_class, form_name: str):
    """A POST of one of the forms on a user's page (`form_name` in user_page): the page again
    with the form's errors unless it is valid, else `action(person, form)`."""

    def decorator(action):
        @wraps(action)
        def view(user_id):
            person = db.get_or_404(User, user_id)
            form = form_class()
            if not form.validate():
                return user_page(person, 400, **{form_name: form})
            return action(person, form)

        return bp.route(f"/users/<int:user_id>/{path}", methods=["POST"])(admin_only(view))

    return decorator


@user_form_action("role", RoleForm, "role_form")
def change_role(person: User, form: RoleForm):
    if form.role.data == person.role:
        flash(f"{person.name} is already {person.role}: nothing changed.")
        return redirect(url_for(".user", user_id=person.id))
    problem = last_admin_problem(person, form.role.data, person.active)
    if problem:
        form.role.errors.append(problem)
        return user_page(person, 400, role_form=form)
    change_user(
        person, "role", form.role.data, f"Changed {person.email}'s role to {form.role.data}"
    )
    db.session.commit()
    flash(f"{person.name} is now {person.role}.")
    if person.id == current_user.id and person.role != "admin":
        return redirect(url_for("dashboard.index"))
    return redirect(url_for(".user", user_id=person.id))


@user_form_action("status", StatusForm, "status_form")
def change_status(person: User, form: StatusForm):
    """Deactivates an active user, reactivates a deactivated one."""
    active = not person.active
    problem = last_admin_problem(person, person.role, active)
    if not active and person.id == current_user.id:
        problem = "You cannot deactivate your own account. Ask another admin to do it."
    if problem:
        form.change_status.errors = [problem]
        return user_page(person, 400, status_form=form)
    change_user(
        person, "active", active, f"{'Reactivated' if active else 'Deactivated'} {person.email}"
    )
    db.session.commit()
    if active:
        flash(f"{person.name} can sign in again.")
    else:
        flash(f"{person.name} is deactivated and can no longer sign in.")
    return redirect(url_for(".user", user_id=person.id))


@user_form_action("password", PasswordForm, "password_form")
def reset_password(person: User, form: PasswordForm):
    password = form.new_password.data or new_password()
    set_password(person, password)
    db.session.commit()
    if form.new_password.data:
        flash(f"The password of {person.name} is changed.")
        return redirect(url_for(".user", user_id=person.id))
    return show_password(person, password, "reset")


@user_form_action("two-step", ResetTwoStepForm, "two_step_form")
def reset_two_step(person: User, form: ResetTwoStepForm):
    """For someone who lost their authenticator app and recovery codes: they sign in with their
    password alone again, or set up two-step verification again where it is required."""
    if not totp.reset(person, f"Reset the two-step verification of {person.email}"):
        flash(f"{person.name} has no two-step verification: nothing changed.")
        return redirect(url_for(".user", user_id=person.id))
    db.session.commit()
    if person.id == current_user.id:
        flash("Your two-step verification is reset, and you are signed out everywhere.")
        return redirect(url_for("auth.login"))
    flash(
        f"The two-step verification of {person.name} is reset, and they are signed out "
        "everywhere. Their authenticator app and recovery codes no longer work."
    )
    return redirect(url_for(".user", user_id=person.id))
