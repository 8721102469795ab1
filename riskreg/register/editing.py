"""Creating and changing risks: the forms of the board manager (managers and admins only).

Every form that changes an existing risk carries the risk's version; a save against a stale
version is refused with a conflict page (409) that shows what changed and keeps the user's input."""

from functools import partial

from flask import (
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from riskreg import clock, domain
from riskreg.domain.vocabulary import EDITOR_ROLES
from riskreg.extensions import db
from riskreg.models import (
    AuditEvent,
    Meeting,
    Risk,
    Section,
)
from riskreg.readmodel import RegisterQuery, active_scheme, register_rows
from riskreg.security import role_required
from riskreg.ui import refuse_if_closed
from riskreg.ui.forms import options
from riskreg.ui.meeting_choices import agreeing_meeting_choices

from . import services
from .audit_trail import audit_changes
from .blueprint import bp
from .detail import is_plausible_ref
from .forms import (
    CloseForm,
    EditRiskForm,
    NewRiskForm,
    ReasonForm,
    RescoreForm,
    ReviewForm,
    keep_their_changes,
    score_context,
)

managers_only = role_required(*EDITOR_ROLES)


# --- Finding things ---------------------------------------------------------------------------


def find_risk(ref: str) -> Risk:
    if not is_plausible_ref(ref):
        abort(404)
    return db.first_or_404(select(Risk).where(Risk.ref == ref))


def find_open_risk(ref: str) -> Risk:
    """The risk a form changes: a closed risk is refused (409) until someone reopens it."""
    risk = find_risk(ref)
    refuse_if_closed(risk)
    return risk


def find_item(risk: Risk, model, item_id: int):
    item = db.session.get(model, item_id)
    if item is None or item.risk_id != risk.id:
        abort(404)
    return item


def last_event_id(risk: Risk) -> int:
    return db.session.scalar(
        select(func.coalesce(func.max(AuditEvent.id), 0)).where(AuditEvent.risk_id == risk.id)
    )


def live_row(risk: Risk) -> domain.RegisterRow | None:
    rows = register_rows(RegisterQuery(ref=risk.ref, status="all"))
    return rows[0] if rows else None


def risk_page(ref: str) -> str:
    return url_for("register.risk", ref=ref)


@bp.context_processor
def editing_context():
    return {"risk_page": risk_page}


# --- The life of a form on an existing risk, and the conflict page ----------------------------


def lock(form, risk: Risk) -> None:
    form.lock_to(risk.version, last_event_id(risk))


def filled_in(form_class, obj):
    """On GET the form shows `obj` as it stands; on POST, only what the user sent."""
    return form_class() if request.method == "POST" else form_class(obj=obj)


def form_page(risk: Risk | None, form, template: str, **context):
    """The form's `render(status=200, **extra)`. The conflict page renders through it too, with
    the risk as it now stands and what changed in `extra`."""

    def render(status=200, **extra):
        return render_template(template, **{"risk": risk, "form": form, **context, **extra}), status

    return render


def run_form(risk: Risk, form, change, message: str, template: str, *, validate=None, **context):
    """GET: the form, locked to the risk's version. POST: the form again with its errors (400)
    unless `validate` (form.validate by default) passes; then save `change`."""
    render = form_page(risk, form, template, **context)
    if request.method == "GET":
        lock(form, risk)
        return render()
    if not (validate or form.validate)():
        return render(400)
    return save(risk, form, change, message, render)


def save(risk: Risk, form, change, message: str, render):
    """Make `change` (a service call still to be given the version the form carries), commit and
    go to the risk's page; on a stale version roll back and show the conflict page:
    `render(status, conflict=events)` re-renders the user's own input."""
    ref = risk.ref
    try:
        change(expected_version=form.expected_version)
        db.session.commit()
    except (services.StaleVersion, StaleDataError):
        db.session.rollback()
        return conflict(ref, form, render)
    flash(message)
    return redirect(risk_page(ref))


def conflict(ref: str, form, render):
    risk = find_risk(ref)
    since = form.seen_event_id
    # What changed since the form was loaded; when that is not known, the latest few.
    changes = audit_changes(risk.id, after_event_id=since, latest=10 if since is None else None)
    changes.reverse()  # in the order they were made
    lock(form, risk)
    kept = keep_their_changes(form, changes)
    return render(409, risk=risk, conflict=changes, kept_theirs=kept)


# --- Create and edit --------------------------------------------------------------------------


@bp.route("/risks/new", methods=["GET", "POST"])
@managers_only
def new():
    sections = db.session.scalars(select(Section).order_by(Section.position, Section.name)).all()
    form = NewRiskForm()
    form.section.choices = options((s.prefix, s.name) for s in sections)
    render = form_page(
        None,
        form,
        "register/risk_form.html",
        title="Add a risk",
        creating=True,
        **score_context(form, active_scheme()),
    )
    if not form.is_submitted():
        return render()
    if not form.validate():
        return render(400)
    section = next(s for s in sections if s.prefix == form.section.data)
    for attempt in range(3):
        try:
            risk = services.create_risk(
                section, form.risk_values(), scorings(form.scores()), form.rationale.data
            )
            db.session.commit()
            break
        except IntegrityError:
            # Someone took the same reference number at the same moment: take the next one.
            db.session.rollback()
            if attempt == 2:
                raise
    flash(f"{risk.ref} added to the register")
    return redirect(risk_page(risk.ref))


def scorings(pairs: dict[str, tuple[int, int]]) -> dict[str, services.Scoring]:
    return {kind: services.Scoring(*pair) for kind, pair in pairs.items()}


@bp.route("/risks/<ref>/edit", methods=["GET", "POST"])
@managers_only
def edit(ref):
    risk = find_open_risk(ref)
    form = filled_in(EditRiskForm, risk)
    return run_form(
        risk,
        form,
        partial(services.update_risk, risk, form.risk_values()),
        f"Saved changes to {risk.ref}",
        "register/risk_form.html",
        title=f"Edit {risk.ref}",
        creating=False,
    )


# --- Rescore ----------------------------------------------------------------------------------


@bp.route("/risks/<ref>/rescore", methods=["GET", "POST"])
@managers_only
def rescore(ref):
    """Choose new scores, check the change, confirm: the confirm POST re-validates it all."""
    risk = find_open_risk(ref)
    now = live_row(risk)  # read once: the form, the check page and the save all start from it
    form = RescoreForm()
    form.meeting.choices = agreeing_meeting_choices(clock.today())
    scheme = active_scheme()

    def render_form(status=200):
        return render_template(
            "register/rescore.html",
            title=f"Rescore {risk.ref}",
            risk=risk,
            form=form,
            now=now,
            **score_context(form, scheme),
        ), status

    def render_check(status=200, **extra):
        # After a conflict `extra` carries the risk as someone else left it: compare with that.
        before = live_row(extra["risk"]) if "risk" in extra else now
        extra.setdefault("risk", risk)
        return render_template(
            "register/rescore_check.html",
            title=f"Check the new scores for {risk.ref}",
            form=form,
            **rescore_summary(extra["risk"], before, form, scheme),
            **extra,
        ), status

    if request.method == "GET":
        lock(form, risk)
        form.preselect(now)
        return render_form()
    if not form.validate():
        return render_form(400)
    if "change" in request.form:
        return render_form()
    if "confirm" not in request.form:
        return render_check()
    return save(
        risk,
        form,
        partial(
            services.rescore_risk,
            risk,
            scorings(form.rescored(now)),
            form.rationale.data,
            meeting_id=int(form.meeting.data) if form.meeting.data else None,
            next_review=form.next_review.data,
        ),
        f"Rescored {risk.ref}",
        render_check,
    )


def rescore_summary(
    risk: Risk, before: domain.RegisterRow | None, form: RescoreForm, scheme: domain.Scheme
) -> dict:
    """Each rescored kind as `before` → after with the direction, and the next review date."""
    scores = form.rescored(before)
    changes = []
    for kind, (likelihood, impact) in scores.items():
        old = getattr(before, kind) if before else None
        score = likelihood * impact
        new = scheme.score_view(likelihood, impact)
        direction = domain.direction_of_travel(score, old.score if old else None)
        changes.append({"kind": kind, "old": old, "new": new, "direction": direction})
    next_review, review_from_band = form.next_review.data, None
    if next_review is None and "current" in scores:
        score = scores["current"][0] * scores["current"][1]
        today = clock.today()
        next_review = services.suggested_review(score, today)
        review_from_band = scheme.band_for(score)
    labels = {choice.value: choice.label for choice in form.meeting.choices}
    return {
        "changes": changes,
        "next_review": next_review or risk.next_review,
        "review_from_band": review_from_band,
        "meeting_label": labels.get(form.meeting.data or ""),
    }


# --- Close and reopen -------------------------------------------------------------------------


@bp.route("/risks/<ref>/review", methods=["GET", "POST"])
@managers_only
def review(ref):
    """A review that keeps the scores: it sets the next review date as a rescore does."""
    risk = find_open_risk(ref)
    form = ReviewForm()

    def change(**lock):
        services.record_review(risk, form.reviewed_on.data, form.note.data, **lock)

    return run_form(
        risk, form, change, f"Recorded a review of {risk.ref}: no change", "register/review.html",
        title=f"Record a review of {risk.ref}",
    )  # fmt: skip


@bp.route("/risks/<ref>/close", methods=["GET", "POST"])
@managers_only
def close(ref):
    return close_or_reopen(ref, closing=True)


@bp.route("/risks/<ref>/reopen", methods=["GET", "POST"])
@managers_only
def reopen(ref):
    return close_or_reopen(ref, closing=False)


def close_or_reopen(ref: str, closing: bool):
    risk = find_risk(ref)
    wanted = "open" if closing else "closed"
    if request.method == "GET" and risk.status != wanted:
        # Already closed (or open): offer the opposite instead.
        return redirect(url_for("register.reopen" if closing else "register.close", ref=risk.ref))
    form = CloseForm() if closing else ReasonForm()
    if closing:
        form.meeting.choices = agreeing_meeting_choices(clock.today())
    form.reason.label.text = "Why is it being closed?" if closing else "Why is it being reopened?"
    form.submit.label.text = "Close risk" if closing else "Reopen risk"

    def validate():
        if not form.validate():
            return False
        if risk.status != wanted and form.expected_version == risk.version:
            form.reason.errors.append(f"{risk.ref} is already {risk.status}")
            return False
        return True

    def change(**lock):
        meeting = db.session.get(Meeting, form.meeting_id) if closing and form.meeting_id else None
        services.change_status(risk, form.reason.data, closing=closing, meeting=meeting, **lock)

    return run_form(
        risk,
        form,
        change,
        f"{'Closed' if closing else 'Reopened'} {risk.ref}",
        "register/reason.html",
        validate=validate,
        title=f"{'Close' if closing else 'Reopen'} {risk.ref}",
        closing=closing,
    )
