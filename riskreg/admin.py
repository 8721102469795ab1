"""Administration: users, sections and the board's settings (admins only); the scoring scheme's
views are in admin_scheme.py. Account rules live in accounts.py, shared with the command line."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from . import audit
from .accounts import (
    add_user,
    change_user,
    last_admin_problem,
    new_password,
    normalised_email,
    set_password,
)
from .admin_forms import (
    HEATMAP_ORIENTATIONS,
    ROLE_HINTS,
    NewUserForm,
    PasswordForm,
    RoleForm,
    SectionForm,
    SettingsForm,
    StatusForm,
)
from .extensions import db
from .models import Risk, Section, Setting, User
from .security import role_required
from .ui import board_name, setting

bp = Blueprint("admin", __name__, url_prefix="/admin")
admin_only = role_required("admin")
HEATMAP_ORIENTATION_DEFAULT = "likelihood-vertical"


# --- Pages -------------------------------------------------------------------------------


@bp.route("")
@admin_only
def index():
    return render_template("admin/index.html", title="Admin")


# Users


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
    status = 400 if form.errors else 200
    return render_template(
        "admin/user_new.html", title="Add a user", form=form, role_hints=ROLE_HINTS
    ), status


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
    failed = next((f for f in forms.values() if f.errors), None)
    return render_template(
        "admin/user.html",
        title=person.name,
        person=person,
        form=failed,
        role_hints=ROLE_HINTS,
        **forms,
    ), status


@bp.route("/users/<int:user_id>")
@admin_only
def user(user_id):
    return user_page(db.get_or_404(User, user_id))


@bp.route("/users/<int:user_id>/role", methods=["POST"])
@admin_only
def change_role(user_id):
    person = db.get_or_404(User, user_id)
    form = RoleForm()
    if not form.validate():
        return user_page(person, 400, role_form=form)
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
        return redirect(url_for("register.dashboard"))
    return redirect(url_for(".user", user_id=person.id))


@bp.route("/users/<int:user_id>/status", methods=["POST"])
@admin_only
def change_status(user_id):
    """Deactivates an active user, reactivates a deactivated one."""
    person = db.get_or_404(User, user_id)
    form = StatusForm()
    if not form.validate():
        return user_page(person, 400, status_form=form)
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


@bp.route("/users/<int:user_id>/password", methods=["POST"])
@admin_only
def reset_password(user_id):
    person = db.get_or_404(User, user_id)
    form = PasswordForm()
    if not form.validate():
        return user_page(person, 400, password_form=form)
    password = form.new_password.data or new_password()
    set_password(person, password)
    db.session.commit()
    if form.new_password.data:
        flash(f"The password of {person.name} is changed.")
        return redirect(url_for(".user", user_id=person.id))
    return show_password(person, password, "reset")


# Sections


@bp.route("/sections")
@admin_only
def sections():
    rows = db.session.execute(
        select(Section, func.count(Risk.id))
        .outerjoin(Risk, Risk.section_id == Section.id)
        .group_by(Section.id)
        .order_by(Section.position, Section.name)
    ).all()
    return render_template("admin/sections.html", title="Sections", rows=rows)


def section_problems(form: SectionForm, section: Section | None) -> bool:
    """Adds uniqueness errors to the form; True when there are any."""
    others = select(Section).where(Section.id != section.id) if section else select(Section)
    taken = db.session.scalars(others).all()
    if any(s.name.casefold() == form.name.data.casefold() for s in taken):
        form.name.errors.append(f"There is already a section called “{form.name.data}”")
    if any(s.prefix == form.prefix.data for s in taken):
        form.prefix.errors.append(f"The prefix {form.prefix.data} is already used")
    if section is not None and form.prefix.data != section.prefix and risk_count(section):
        form.prefix.errors.append(
            f"The prefix cannot change: this section has risks, and their references "
            f"({section.prefix}-01 and so on) are permanent"
        )
    return bool(form.errors)


def risk_count(section: Section) -> int:
    return db.session.scalar(select(func.count(Risk.id)).where(Risk.section_id == section.id))


SECTION_FIELDS = ("name", "prefix", "appetite", "position")


@bp.route("/sections/new", methods=["GET", "POST"])
@admin_only
def new_section():
    next_position = (db.session.scalar(select(func.max(Section.position))) or 0) + 1
    form = SectionForm(data={"position": min(next_position, 99)})
    if form.validate_on_submit() and not section_problems(form, None):
        section = Section(**{name: form[name].data for name in SECTION_FIELDS})
        db.session.add(section)
        db.session.flush()
        audit.record(
            "section",
            section.id,
            "create",
            audit.diff({}, {name: getattr(section, name) for name in SECTION_FIELDS}),
            summary=f"Added section {section.prefix} {section.name}",
        )
        db.session.commit()
        flash(f"Added the section {section.name} ({section.prefix}).")
        return redirect(url_for(".sections"))
    return render_template(
        "admin/section_form.html", title="Add a section", form=form, section=None, locked=False
    ), (400 if form.errors else 200)


@bp.route("/sections/<int:section_id>", methods=["GET", "POST"])
@admin_only
def edit_section(section_id):
    section = db.get_or_404(Section, section_id)
    form = SectionForm(obj=section)
    if form.validate_on_submit() and not section_problems(form, section):
        before = {name: getattr(section, name) for name in SECTION_FIELDS}
        after = {name: form[name].data for name in SECTION_FIELDS}
        changes = audit.diff(before, after)
        if changes:
            for name, value in after.items():
                setattr(section, name, value)
            audit.record(
                "section", section.id, "update", changes, summary=f"Changed section {section.name}"
            )
            db.session.commit()
            flash(f"Saved the section {section.name}.")
        else:
            flash("Nothing was changed.")
        return redirect(url_for(".sections"))
    return render_template(
        "admin/section_form.html",
        title=f"Change {section.name}",
        form=form,
        section=section,
        locked=bool(risk_count(section)),
    ), (400 if form.errors else 200)


# Board settings


@bp.route("/settings", methods=["GET", "POST"])
@admin_only
def settings():
    current = {
        "board_name": board_name(),
        "heatmap_orientation": setting("heatmap_orientation", HEATMAP_ORIENTATION_DEFAULT),
    }
    form = SettingsForm(data=current)
    if form.validate_on_submit():
        after = {
            "board_name": form.board_name.data,
            "heatmap_orientation": form.heatmap_orientation.data,
        }
        changes = audit.diff(current, after)
        for key in changes:
            db.session.merge(Setting(key=key, value=after[key]))
        if changes:
            audit.record("setting", None, "update", changes, summary="Changed the board settings")
            db.session.commit()
            flash("Saved the settings.")
        else:
            flash("Nothing was changed.")
        return redirect(url_for(".settings"))
    return render_template(
        "admin/settings.html", title="Board settings", form=form, orientations=HEATMAP_ORIENTATIONS
    ), (400 if form.errors else 200)


def init_app(app):
    from . import admin_scheme  # noqa: F401  (its views join this blueprint)

    app.register_blueprint(bp)
