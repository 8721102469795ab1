"""Controls (mitigations in place) and actions (further mitigation planned) on a risk: adding,
editing, removing, and marking an action complete. Their views join the register's blueprint."""

from functools import partial

from flask import flash, redirect, render_template, request

from riskreg.extensions import db
from riskreg.models import ACTION_STATUSES, ASSURANCE_LEVELS, EFFECTIVENESS, Action, Control
from riskreg.ui import form_status

from . import services
from .blueprint import bp
from .editing import (
    filled_in,
    find_item,
    find_open_risk,
    lock,
    managers_only,
    risk_page,
    run_form,
)
from .mitigation_forms import (
    LEVEL_HINTS,
    ActionForm,
    AssuranceForm,
    ConfirmForm,
    ControlForm,
    NoteForm,
)

# The kinds of mitigation, as their URLs and endpoints name them: kind -> (model, form).
MITIGATIONS = {"control": (Control, ControlForm), "action": (Action, ActionForm)}


# <kind> is "control" or "action", as in /risks/SG-01/controls/new.
KIND = "<any(control, action):kind>"


@bp.route(f"/risks/<ref>/{KIND}s/new", methods=["GET", "POST"])
@managers_only
def add_mitigation(ref, kind):
    return mitigation_form(ref, kind)


@bp.route(f"/risks/<ref>/{KIND}s/<int:item_id>/edit", methods=["GET", "POST"])
@managers_only
def edit_mitigation(ref, kind, item_id):
    return mitigation_form(ref, kind, item_id)


@bp.route(f"/risks/<ref>/{KIND}s/<int:item_id>/remove", methods=["GET", "POST"])
@managers_only
def remove_mitigation(ref, kind, item_id):
    return confirm_item(ref, kind, item_id, "remove")


@bp.route("/risks/<ref>/actions/<int:item_id>/complete", methods=["GET", "POST"])
@managers_only
def complete_action(ref, item_id):
    return confirm_item(ref, "action", item_id, "complete")


@bp.route("/risks/<ref>/actions/<int:item_id>/notes", methods=["GET", "POST"])
@managers_only
def add_action_note(ref, item_id):
    """Add a progress note to an action. The risk's page carries the form; this page shows it
    again with its error."""
    risk = find_open_risk(ref)
    action = find_item(risk, Action, item_id)
    form = NoteForm()
    if form.validate_on_submit():
        services.add_action_note(risk, action, form.note.data)
        db.session.commit()
        flash(f"Added a progress note to the action on {risk.ref}")
        return redirect(f"{risk_page(risk.ref)}#action-{action.id}")
    return render_template(
        "register/note_form.html",
        title=f"Add a progress note – {risk.ref}",
        risk=risk,
        action=action,
        form=form,
    ), form_status()


@bp.route("/risks/<ref>/controls/<int:item_id>/assurance", methods=["GET", "POST"])
@managers_only
def update_assurance(ref, item_id):
    """The control's latest assurance: its line, date and level, and the gaps found."""
    risk = find_open_risk(ref)
    control = find_item(risk, Control, item_id)
    form = AssuranceForm()
    if request.method == "GET":
        form.fill_from(control)

    def change(**lock):  # read once the form has passed validation
        services.record_assurance(risk, control, form.assurance(), **lock)

    return run_form(
        risk,
        form,
        change,
        f"Updated the assurance on the control on {risk.ref}",
        "register/assurance_form.html",
        title=f"Update assurance – {risk.ref}",
        control=control,
        level_hints=[{"hint": {"text": LEVEL_HINTS[key]}} for key in ASSURANCE_LEVELS],
    )


def mitigation_form(ref: str, kind: str, item_id: int | None = None):
    """Add a control or action (no item_id), or edit one."""
    risk = find_open_risk(ref)
    model, form_class = MITIGATIONS[kind]
    item = None if item_id is None else find_item(risk, model, item_id)
    form = filled_in(form_class, item)
    article = "an" if kind[0] in "aeiou" else "a"  # an action, a control
    heading = f"Add {article} {kind}" if item is None else f"Edit the {kind}"
    return run_form(
        risk,
        form,
        partial(services.save_mitigation, risk, item, model, form.item_values()),
        f"{'Added' if item is None else 'Saved'} the {kind} on {risk.ref}",
        "register/mitigation_form.html",
        title=f"{heading} – {risk.ref}",
        heading=heading,
        noun=kind,
    )


def confirm_item(ref: str, kind: str, item_id: int, purpose: str):
    """Remove a control or action (purpose "remove"), or mark an action complete, after asking."""
    risk = find_open_risk(ref)
    item = find_item(risk, MITIGATIONS[kind][0], item_id)
    form = ConfirmForm()
    removing = purpose == "remove"
    if not removing and request.method == "POST" and not request.form.get("version"):
        # A one-click "Mark complete" button need not carry the version: completing is
        # idempotent and the audit trail records it.
        lock(form, risk)
    if removing:
        change = partial(services.remove_mitigation, risk, item)
        message = f"Removed the {kind} from {risk.ref}"
    else:
        change = partial(services.save_mitigation, risk, item, Action, {"status": "complete"})
        message = f"Marked the action on {risk.ref} complete"
    return run_form(
        risk,
        form,
        change,
        message,
        "register/confirm.html",
        title=f"{'Remove' if removing else 'Complete'} the {kind} – {risk.ref}",
        noun=kind,
        item=item,
        purpose=purpose,
        labels={**EFFECTIVENESS, **ACTION_STATUSES},
    )
