"""Creating and changing risks: the forms of the board manager (managers and admins only).

Every form that changes an existing risk carries the risk's version; a save against a stale
version is refused with a conflict page (409) that shows what changed and keeps the user's input."""

from datetime import UTC, datetime

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from . import domain, services
from .editing_forms import (
    ActionForm,
    ConfirmForm,
    ControlForm,
    EditRiskForm,
    NewRiskForm,
    ReasonForm,
    RescoreForm,
    keep_their_changes,
    options,
    score_context,
)
from .extensions import db
from .models import (
    ACTION_STATUSES,
    EFFECTIVENESS,
    Action,
    AuditEvent,
    Control,
    Meeting,
    Risk,
    Section,
)
from .readmodel import RegisterQuery, active_scheme, register_rows
from .security import role_required

bp = Blueprint("editing", __name__)
MANAGERS = ("admin", "manager")
# URL segment -> (model, form, noun)
MITIGATIONS = {"control": (Control, ControlForm), "action": (Action, ActionForm)}


# --- Finding things ---------------------------------------------------------------------------


def find_risk(ref: str) -> Risk:
    # Longer than any ref, or with a NUL (which PostgreSQL refuses): no such risk.
    risk = None if len(ref) > 16 or "\x00" in ref else find_by_ref(ref)
    if risk is None:
        abort(404)
    return risk


def find_by_ref(ref: str) -> Risk | None:
    return db.session.scalar(select(Risk).where(Risk.ref == ref))


def find_item(risk: Risk, model, item_id: int):
    item = db.session.get(model, item_id) if item_id < 2**31 else None
    if item is None or item.risk_id != risk.id:
        abort(404)
    return item


def last_event_id(risk: Risk) -> int:
    return db.session.scalar(
        select(func.coalesce(func.max(AuditEvent.id), 0)).where(AuditEvent.risk_id == risk.id)
    )


def risk_page(ref: str) -> str:
    return url_for("register.risk", ref=ref)


@bp.context_processor
def editing_context():
    return {"risk_page": risk_page}


def lock(form, risk: Risk) -> None:
    form.lock_to(risk.version, last_event_id(risk))


# --- Saving, and the conflict page ------------------------------------------------------------


def save(risk: Risk, form, change, message: str, render):
    """Run `change`, commit and go to the risk's page; on a stale version roll back and show
    the conflict page: `render(status, conflict=events)` re-renders the user's own input."""
    ref = risk.ref
    try:
        change()
        db.session.commit()
    except (services.StaleVersion, StaleDataError):
        db.session.rollback()
        return conflict(ref, form, render)
    flash(message)
    return redirect(risk_page(ref))


def conflict(ref: str, form, render):
    risk = find_risk(ref)
    since = form.seen_event_id
    events = select(AuditEvent).where(AuditEvent.risk_id == risk.id)
    if since is None:  # not known: show the latest few
        events = events.order_by(AuditEvent.id.desc()).limit(10)
        found = list(reversed(db.session.scalars(events).all()))
    else:
        events = events.where(AuditEvent.id > since).order_by(AuditEvent.id)
        found = db.session.scalars(events).all()
    lock(form, risk)
    kept = keep_their_changes(form, found)
    return render(409, risk=risk, conflict=found, kept_theirs=kept)


# --- Create and edit --------------------------------------------------------------------------


@bp.route("/risks/new", methods=["GET", "POST"])
@role_required(*MANAGERS)
def new():
    sections = db.session.scalars(select(Section).order_by(Section.position, Section.name)).all()
    form = NewRiskForm()
    form.section.choices = options((s.prefix, s.name) for s in sections)
    scheme = active_scheme()

    def render(status=200):
        context = score_context(form, scheme)
        return render_template(
            "editing/risk_form.html", title="Add a risk", form=form, creating=True, **context
        ), status

    if not form.is_submitted():
        return render()
    if not form.validate():
        return render(400)
    section = next(s for s in sections if s.prefix == form.section.data)
    scores = {
        kind: services.Scoring(form[f"{kind}_likelihood"].data, form[f"{kind}_impact"].data)
        for kind in domain.KINDS
    }
    for attempt in range(3):
        try:
            risk = services.create_risk(section, form.risk_values(), scores, form.rationale.data)
            db.session.commit()
            break
        except IntegrityError:
            # Someone took the same reference number at the same moment: take the next one.
            db.session.rollback()
            if attempt == 2:
                raise
    flash(f"{risk.ref} added to the register")
    return redirect(risk_page(risk.ref))


@bp.route("/risks/<ref>/edit", methods=["GET", "POST"])
@role_required(*MANAGERS)
def edit(ref):
    risk = find_risk(ref)
    form = EditRiskForm() if request.method == "POST" else EditRiskForm(obj=risk)

    def render(status=200, **extra):
        extra.setdefault("risk", risk)
        return render_template(
            "editing/risk_form.html", title=f"Edit {risk.ref}", form=form, **extra
        ), status

    if request.method == "GET":
        lock(form, risk)
        return render()
    if not form.validate():
        return render(400)
    return save(
        risk,
        form,
        lambda: services.update_risk(
            risk, form.risk_values(), expected_version=form.expected_version
        ),
        f"Saved changes to {risk.ref}",
        render,
    )


# --- Rescore ----------------------------------------------------------------------------------


@bp.route("/risks/<ref>/rescore", methods=["GET", "POST"])
@role_required(*MANAGERS)
def rescore(ref):
    """Choose new scores, check the change, confirm: the confirm POST re-validates it all."""
    risk = find_risk(ref)
    form = RescoreForm()
    form.meeting.choices = meeting_choices()
    scheme = active_scheme()

    def render_form(status=200, **extra):
        extra.setdefault("risk", risk)
        rows = register_rows(RegisterQuery(ref=extra["risk"].ref, status="all"))
        return render_template(
            "editing/rescore.html",
            now=rows[0] if rows else None,
            title=f"Rescore {risk.ref}",
            form=form,
            **score_context(form, scheme),
            **extra,
        ), status

    def render_check(status=200, **extra):
        extra.setdefault("risk", risk)
        return render_template(
            "editing/rescore_check.html",
            title=f"Check the new scores for {extra['risk'].ref}",
            form=form,
            **rescore_summary(extra["risk"], form, scheme),
            **extra,
        ), status

    if request.method == "GET":
        lock(form, risk)
        return render_form()
    if not form.validate():
        return render_form(400)
    if "change" in request.form:
        return render_form()
    if "confirm" not in request.form:
        return render_check()
    scores = {kind: services.Scoring(*pair) for kind, pair in form.scores().items()}
    return save(
        risk,
        form,
        lambda: services.rescore_risk(
            risk,
            scores,
            form.rationale.data,
            expected_version=form.expected_version,
            meeting_id=int(form.meeting.data) if form.meeting.data else None,
            next_review=form.next_review.data,
        ),
        f"Rescored {risk.ref}",
        render_check,
    )


def meeting_choices():
    meetings = db.session.scalars(
        select(Meeting).order_by(Meeting.held_on.desc(), Meeting.id.desc())
    ).all()
    return options(
        [("", "Not agreed at a meeting")]
        + [(m.id, f"{m.title}, {m.held_on:%-d %B %Y}") for m in meetings]
    )


def rescore_summary(risk: Risk, form: RescoreForm, scheme: domain.Scheme) -> dict:
    """Each rescored kind as before → after with the direction, and the next review date."""
    rows = register_rows(RegisterQuery(ref=risk.ref, status="all"))
    before = rows[0] if rows else None
    changes = []
    for kind, (likelihood, impact) in form.scores().items():
        old = getattr(before, kind) if before else None
        score = likelihood * impact
        new = domain.ScoreView(likelihood, impact, score, scheme.band_for(score), scheme.version)
        direction = domain.direction_of_travel(score, old.score if old else None)
        changes.append({"kind": kind, "old": old, "new": new, "direction": direction})
    scores = form.scores()
    next_review, review_from_band = form.next_review.data, None
    if next_review is None and "current" in scores:
        score = scores["current"][0] * scores["current"][1]
        today = datetime.now(UTC).date()
        next_review = services.suggested_review(score, today)
        review_from_band = scheme.band_for(score)
    labels = {choice.value: choice.label for choice in form.meeting.choices}
    meeting = labels.get(form.meeting.data or "")
    return {
        "changes": changes,
        "next_review": next_review or risk.next_review,
        "review_from_band": review_from_band,
        "meeting_label": meeting,
    }


# --- Controls and actions ---------------------------------------------------------------------


def mitigation(ref: str, noun: str, item_id: int | None = None):
    risk = find_risk(ref)
    model, form_class = MITIGATIONS[noun]
    item = find_item(risk, model, item_id) if item_id is not None else None
    if request.method == "POST":
        form = form_class()
    else:
        form = form_class(obj=item)
    verb = "Add" if item is None else "Edit"

    def render(status=200, **extra):
        extra.setdefault("risk", risk)
        return render_template(
            "editing/mitigation_form.html",
            title=f"{verb} {'a' if verb == 'Add' else 'the'} {noun} – {risk.ref}",
            heading=f"{verb} {'a' if verb == 'Add' else 'the'} {noun}",
            form=form,
            noun=noun,
            **extra,
        ), status

    if request.method == "GET":
        lock(form, risk)
        return render()
    if not form.validate():
        return render(400)
    fields = {name: form[name].data for name in form.item_fields}
    return save(
        risk,
        form,
        lambda: services.save_mitigation(
            risk, item, model, fields, expected_version=form.expected_version
        ),
        f"{'Added' if item is None else 'Saved'} the {noun} on {risk.ref}",
        render,
    )


def confirm_item(ref: str, noun: str, item_id: int, purpose: str):
    """Remove a control or action, or mark an action complete, after asking."""
    risk = find_risk(ref)
    model = MITIGATIONS[noun][0]
    item = find_item(risk, model, item_id)
    form = ConfirmForm()
    if purpose == "complete" and request.method == "POST" and not request.form.get("version"):
        # A one-click "Mark complete" button need not carry the version: completing is
        # idempotent and the audit trail records it.
        lock(form, risk)

    def render(status=200, **extra):
        extra.setdefault("risk", risk)
        return render_template(
            "editing/confirm.html",
            title=f"{'Remove the' if purpose == 'remove' else 'Complete the'} {noun} – {risk.ref}",
            form=form,
            noun=noun,
            item=item,
            purpose=purpose,
            labels={**EFFECTIVENESS, **ACTION_STATUSES},
            **extra,
        ), status

    if request.method == "GET":
        lock(form, risk)
        return render()
    if not form.validate():
        return render(400)
    if purpose == "remove":
        change = lambda: services.remove_mitigation(  # noqa: E731
            risk, item, expected_version=form.expected_version
        )
        message = f"Removed the {noun} from {risk.ref}"
    else:
        change = lambda: services.save_mitigation(  # noqa: E731
            risk, item, Action, {"status": "complete"}, expected_version=form.expected_version
        )
        message = f"Marked the action on {risk.ref} complete"
    return save(risk, form, change, message, render)


@bp.route("/risks/<ref>/controls/new", methods=["GET", "POST"])
@role_required(*MANAGERS)
def add_control(ref):
    return mitigation(ref, "control")


@bp.route("/risks/<ref>/controls/<int:item_id>/edit", methods=["GET", "POST"])
@role_required(*MANAGERS)
def edit_control(ref, item_id):
    return mitigation(ref, "control", item_id)


@bp.route("/risks/<ref>/controls/<int:item_id>/remove", methods=["GET", "POST"])
@role_required(*MANAGERS)
def remove_control(ref, item_id):
    return confirm_item(ref, "control", item_id, "remove")


@bp.route("/risks/<ref>/actions/new", methods=["GET", "POST"])
@role_required(*MANAGERS)
def add_action(ref):
    return mitigation(ref, "action")


@bp.route("/risks/<ref>/actions/<int:item_id>/edit", methods=["GET", "POST"])
@role_required(*MANAGERS)
def edit_action(ref, item_id):
    return mitigation(ref, "action", item_id)


@bp.route("/risks/<ref>/actions/<int:item_id>/remove", methods=["GET", "POST"])
@role_required(*MANAGERS)
def remove_action(ref, item_id):
    return confirm_item(ref, "action", item_id, "remove")


@bp.route("/risks/<ref>/actions/<int:item_id>/complete", methods=["GET", "POST"])
@role_required(*MANAGERS)
def complete_action(ref, item_id):
    return confirm_item(ref, "action", item_id, "complete")


# --- Close and reopen -------------------------------------------------------------------------


def close_or_reopen(ref: str, closing: bool):
    risk = find_risk(ref)
    wanted = "open" if closing else "closed"
    if request.method == "GET" and risk.status != wanted:
        # Already closed (or open): offer the opposite instead.
        return redirect(url_for("editing.reopen" if closing else "editing.close", ref=risk.ref))
    form = ReasonForm()
    form.reason.label.text = "Why is it being closed?" if closing else "Why is it being reopened?"
    form.submit.label.text = "Close risk" if closing else "Reopen risk"

    def render(status=200, **extra):
        extra.setdefault("risk", risk)
        return render_template(
            "editing/reason.html",
            title=f"{'Close' if closing else 'Reopen'} {risk.ref}",
            form=form,
            closing=closing,
            **extra,
        ), status

    if request.method == "GET":
        lock(form, risk)
        return render()
    if not form.validate():
        return render(400)
    if risk.status != wanted and form.expected_version == risk.version:
        form.reason.errors.append(f"{risk.ref} is already {risk.status}")
        return render(400)
    service = services.close_risk if closing else services.reopen_risk
    return save(
        risk,
        form,
        lambda: service(risk, form.reason.data, expected_version=form.expected_version),
        f"{'Closed' if closing else 'Reopened'} {risk.ref}",
        render,
    )


@bp.route("/risks/<ref>/close", methods=["GET", "POST"])
@role_required(*MANAGERS)
def close(ref):
    return close_or_reopen(ref, closing=True)


@bp.route("/risks/<ref>/reopen", methods=["GET", "POST"])
@role_required(*MANAGERS)
def reopen(ref):
    return close_or_reopen(ref, closing=False)


def init_app(app):
    app.register_blueprint(bp)
