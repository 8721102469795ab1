"""Admin: the scoring scheme. An edit is kept as a draft, previewed (which open risks change
band, and the counts per band before and after) and then adopted as the next version or
abandoned. No version is ever changed, so past assessments keep the bands they were made under;
adopting records the open risks' changed scorings again under the new version, so the present
reads in one version everywhere."""

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from riskreg import domain
from riskreg.clock import today
from riskreg.extensions import db
from riskreg.models import SchemeDraft, ScoringScheme, User
from riskreg.readmodel import (
    active_scheme,
    active_scheme_row,
    forget_schemes,
    next_meeting,
    register_rows,
    scheme_from_row,
)
from riskreg.ui import form_status

from . import services
from .blueprint import admin_only, bp
from .forms import MAX_BANDS, DraftForm, SchemeForm, SizeForm


def current_draft() -> SchemeDraft | None:
    return db.session.scalar(select(SchemeDraft))


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
        "admin/scheme.html",
        title="Scoring scheme",
        active=active_scheme(),
        history=history,
        draft=current_draft(),
        scored=services.anything_scored(),
    )


def scheme_form_data(row: ScoringScheme | SchemeDraft, base_version: int, draft_id) -> dict:
    bands = [dict(b) for b in sorted(row.bands, key=lambda b: b["min"])]
    blanks = max(0, min(2, MAX_BANDS - len(bands)))
    return {
        "base_version": base_version,
        "draft_id": draft_id or "",
        "likelihood": row.likelihood,
        "impact": row.impact,
        "bands": bands + [{}] * blanks,
    }


@bp.route("/scheme/edit", methods=["GET", "POST"])
@admin_only
def edit_scheme():
    latest, draft = active_scheme_row(), current_draft()
    in_use = scheme_from_row(latest)  # its size is kept: it changes on the size page only
    started_from = draft or latest  # a draft made from an older version is rebased on saving
    try:
        form = SchemeForm(
            data=scheme_form_data(started_from, latest.version, draft.id if draft else None)
        )
    except ValueError:  # malformed list indices in the posted field names
        abort(400)
    status = form_status()
    if form.is_submitted():
        valid = form.validate() & form.check_names()
        size = in_use.size
        if valid and (len(form.likelihood.entries), len(form.impact.entries)) != size:
            form.coverage.errors.append(
                f"The scheme has {size[0]} levels of likelihood and {size[1]} of impact: "
                "change its size on its own page"
            )
            valid = False
        if valid:
            valid = form.check_band_scores(in_use.max_score)
        if valid:
            problems = domain.band_problems(form.scheme_data()["bands"], size)
            form.coverage.errors.extend(problems)
            valid = not problems
        if valid:
            conflict = edited_meanwhile(form, latest, draft)
            if conflict:
                form.base_version.errors.append(conflict)
                form.base_version.data = str(latest.version)
                form.draft_id.data = str(draft.id) if draft else ""
                status, valid = 409, False
        if valid:
            return save_draft(latest, form.scheme_data())
    return render_template(
        "admin/scheme_edit.html",
        title="Change the scoring scheme",
        form=form,
        next_version=latest.version + 1,
        size_label=in_use.size_label,
        possible_scores=in_use.possible_scores,
    ), status


@bp.route("/scheme/size", methods=["GET", "POST"])
@admin_only
def scheme_size():
    """The size of the matrix: chosen while no risk has a scoring, since every score means a
    level of its scheme. Choosing one adopts that size's preset as the next version."""
    latest = active_scheme_row()
    in_use = scheme_from_row(latest)
    form = SizeForm(data={"size": "{}x{}".format(*in_use.size)})
    scored = services.anything_scored()
    status = form_status()
    if form.is_submitted() and form.validate():
        if scored:
            form.size.errors.append(
                "The size cannot change now: risks have been scored, and every score would "
                "need scoring again on the new matrix. Names, descriptors and bands can still "
                "change."
            )
            status = 409
        else:
            try:
                row = services.choose_scheme_size(latest, form.chosen(), user_id=current_user.id)
                db.session.commit()
            except IntegrityError:  # another admin adopted a version a moment earlier
                db.session.rollback()
                return draft_gone(409)
            forget_schemes()
            size = domain.size_label(*form.chosen())
            if row is None:
                flash(f"The matrix is already {size}: nothing changed.")
            else:
                flash(
                    f"The matrix is now {size} (version {row.version}). Change its names, "
                    "descriptors and bands to the board's own."
                )
            return redirect(url_for(".scheme"))
    return render_template(
        "admin/scheme_size.html",
        title="Size of the matrix",
        form=form,
        scored=scored,
        current=in_use.size_label,
    ), status


def edited_meanwhile(form: SchemeForm, latest: ScoringScheme, draft: SchemeDraft | None):
    """Why saving this form would overwrite someone else's work, or None."""
    keep = "Your changes are kept below: check them against theirs and save again."
    if form.base_version.data != str(latest.version):
        return (
            f"Someone adopted version {latest.version} of the scheme while you were editing. "
            + keep
        )
    if form.draft_id.data != (str(draft.id) if draft else ""):
        return f"Someone saved a draft of the scheme while you were editing. {keep}"
    return None


def save_draft(latest: ScoringScheme, data: dict):
    draft = services.save_scheme_draft(latest, data, user_id=current_user.id)
    db.session.commit()
    if draft is None:
        flash(f"Nothing was changed, so version {latest.version} is still in use.")
        return redirect(url_for(".scheme"))
    return redirect(url_for(".preview_scheme"))


@bp.route("/scheme/draft", methods=["GET", "POST"])
@admin_only
def preview_scheme():
    """The draft against the version in use: which open risks' bands it changes, and the
    counts per band; adopting or abandoning it is posted from here."""
    latest, draft = active_scheme_row(), current_draft()
    form = DraftForm()
    if form.is_submitted():
        if not form.validate() or not (form.adopt.data or form.abandon.data):
            abort(400)
        if draft is None or form.draft_id.data != str(draft.id):
            return draft_gone(409)
        if form.abandon.data:
            services.abandon_scheme_draft(draft)
            db.session.commit()
            flash(f"Abandoned the draft. Version {latest.version} is still in use.")
            return redirect(url_for(".scheme"))
        return adopt(draft, latest, bring_forward=form.bring_forward.data)
    if draft is None:
        return draft_gone(404)
    stale = draft.base_version != latest.version
    proposed = domain.Scheme.from_data(
        latest.version + 1, draft.likelihood, draft.impact, draft.bands
    )
    rows = register_rows()
    form.draft_id.data = str(draft.id)
    return render_template(
        "admin/scheme_preview.html",
        title=f"Adopt version {proposed.version} of the scoring scheme?",
        form=form,
        draft=draft,
        stale=stale,
        proposed=proposed,
        active=scheme_from_row(latest),
        changes=domain.band_changes(rows, proposed),
        counts=domain.band_counts(rows, proposed),
        open_risks=len(rows),
        earlier=earlier_reviews(rows, proposed),
    )


def earlier_reviews(rows, scheme: domain.Scheme) -> list[domain.EarlierReview]:
    meeting = next_meeting()
    return domain.earlier_reviews(rows, scheme, today(), meeting.held_on if meeting else None)


def adopt(draft: SchemeDraft, latest: ScoringScheme, bring_forward: bool = False):
    if draft.base_version != latest.version:
        return draft_gone(409)
    rows = register_rows()
    try:
        row, recorded = services.adopt_scheme_draft(draft, latest, rows, user_id=current_user.id)
        if bring_forward:
            adopted = scheme_from_row(row)
            brought = services.bring_reviews_forward(earlier_reviews(rows, adopted))
        db.session.commit()
    except IntegrityError:  # another admin adopted a version a moment earlier
        db.session.rollback()
        return draft_gone(409)
    forget_schemes()
    flash(
        f"Adopted version {row.version} of the scoring scheme. "
        f"{recorded} {'scoring' if recorded == 1 else 'scorings'} of open risks recorded again "
        "under it; every page, report and export now shows the present in this version."
        + (f" {brought} next review {'date' if brought == 1 else 'dates'} brought forward."
           if bring_forward else "")
    )  # fmt: skip
    return redirect(url_for(".scheme"))


def draft_gone(status: int):
    return render_template(
        "admin/scheme_draft_gone.html", title="The draft has changed", status=status
    ), status
