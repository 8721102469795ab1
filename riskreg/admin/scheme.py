"""Admin: the scoring scheme. Saving adds a version; no version is ever changed, so past
assessments keep the bands they were made under."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from riskreg import domain
from riskreg.extensions import db
from riskreg.models import ScoringScheme, User
from riskreg.readmodel import active_scheme_row, forget_schemes, scheme_from_row

from . import services
from .blueprint import admin_only, bp
from .forms import MAX_BANDS, SchemeForm


@bp.route("/scheme")
@admin_only
def scheme():
    rows = db.session.execute(
        select(ScoringScheme, User.name)
        .outerjoin(User, User.id == ScoringScheme.created_by_id)
        .order_by(ScoringScheme.version.desc())
    ).all()
    history = [(scheme_from_row(row), row.created_at, who) for row, who in rows]
    return render_template(
        "admin/scheme.html", title="Scoring scheme", active=history[0][0], history=history
    )


def scheme_form_data(row: ScoringScheme) -> dict:
    bands = [dict(b) for b in sorted(row.bands, key=lambda b: b["min"])]
    blanks = max(0, min(2, MAX_BANDS - len(bands)))
    return {
        "base_version": row.version,
        "likelihood": row.likelihood,
        "impact": row.impact,
        "bands": bands + [{}] * blanks,
    }


@bp.route("/scheme/edit", methods=["GET", "POST"])
@admin_only
def edit_scheme():
    latest = active_scheme_row()
    try:
        form = SchemeForm(data=scheme_form_data(latest))
    except ValueError:  # malformed list indices in the posted field names
        abort(400)
    status = 200
    if form.is_submitted():
        status = 400
        valid = form.validate() & form.check_names()
        if valid:
            problems = domain.band_problems(form.scheme_data()["bands"])
            form.coverage.errors.extend(problems)
            valid = not problems
        if valid and form.base_version.data != str(latest.version):
            form.base_version.errors.append(
                f"Someone saved version {latest.version} of the scheme while you were editing. "
                "Your changes are kept below: check them against version "
                f"{latest.version} and save again."
            )
            form.base_version.data = str(latest.version)
            status, valid = 409, False
        if valid:
            return save_scheme(latest, form.scheme_data())
    return render_template(
        "admin/scheme_edit.html",
        title="Change the scoring scheme",
        form=form,
        next_version=latest.version + 1,
        possible_scores=sorted(domain.POSSIBLE_SCORES),
    ), status


def save_scheme(latest: ScoringScheme, data: dict):
    try:
        row = services.add_scheme_version(latest, data, user_id=current_user.id)
    except IntegrityError:  # another admin saved the same version number a moment earlier
        db.session.rollback()
        abort(409)
    if row is None:
        flash(f"Nothing was changed, so version {latest.version} is still in use.")
        return redirect(url_for(".scheme"))
    db.session.commit()
    forget_schemes()
    flash(f"Saved version {row.version} of the scoring scheme. New scores use it from now on.")
    return redirect(url_for(".scheme"))
