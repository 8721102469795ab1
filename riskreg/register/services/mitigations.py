"""A risk's controls (with their assurance) and actions (with their progress notes)."""

from dataclasses import asdict, dataclass
from datetime import date, datetime

from sqlalchemy import delete, select

from riskreg import audit, clock
from riskreg.clock import now_utc
from riskreg.extensions import db
from riskreg.models import Action, ActionNote, Control, ControlAssurance, Risk

from .locking import check_version, mark_changed

CONTROL_FIELDS = ("description", "owner", "assurance_source", "effectiveness")
ACTION_FIELDS = ("description", "owner", "owner_email", "due_on", "status")
# A control's assurance map, as the control holds its latest update.
ASSURANCE_FIELDS = ("assurance_line", "assurance_level", "assured_on", "control_gaps",
                    "assurance_gaps")  # fmt: skip


def save_mitigation(
    risk: Risk,
    item: Control | Action | None,
    kind: type[Control] | type[Action],
    fields: dict,
    *,
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Control | Action:
    """Add (item None) or edit a control or action. A complete action keeps the date it was
    completed: the one given, else the date it already had, else today."""
    check_version(risk, expected_version)
    entity = kind.__tablename__
    names = CONTROL_FIELDS if kind is Control else ACTION_FIELDS
    if kind is Action:
        fields = dict(fields)
        completed_before = item is not None and item.status == "complete"
        if fields.get("status") == "complete":
            if fields.get("completed_on") is None:
                fields["completed_on"] = (
                    item.completed_on if completed_before else None
                ) or clock.local_date(at or now_utc())
        else:
            fields["completed_on"] = None
        names = (*names, "completed_on")
    before = {} if item is None else {name: getattr(item, name) for name in names}
    if item is None:
        item = kind(risk_id=risk.id, created_at=at or now_utc())
        db.session.add(item)
    for name, value in fields.items():
        setattr(item, name, value)
    db.session.flush()
    changes = audit.diff(before, {name: getattr(item, name) for name in names})
    verb = "add" if not before else "update"
    if changes:
        audit.record(
            entity,
            item.id,
            verb,
            changes,
            risk_id=risk.id,
            summary=f"{'Added' if verb == 'add' else 'Edited'} {entity} on {risk.ref}: "
            f"{item.description[:120]}",
            at=at,
        )
        mark_changed(risk)
    return item


def remove_mitigation(
    risk: Risk, item: Control | Action, *, expected_version: int | None = None
) -> None:
    check_version(risk, expected_version)
    entity = type(item).__tablename__
    names = CONTROL_FIELDS if isinstance(item, Control) else ACTION_FIELDS
    audit.record(
        entity,
        item.id,
        "remove",
        audit.diff({name: getattr(item, name) for name in names}, dict.fromkeys(names)),
        risk_id=risk.id,
        summary=f"Removed {entity} from {risk.ref}: {item.description[:120]}",
    )
    if isinstance(item, Action):
        remove_notes(risk, item)
    else:  # its assurance updates go too; the audit trail keeps them
        db.session.execute(delete(ControlAssurance).where(ControlAssurance.control_id == item.id))
    db.session.delete(item)
    mark_changed(risk)


@dataclass(frozen=True)
class AssuranceUpdate:
    """One assurance update on a control: the line its evidence comes from (1-3, or None), the
    level (a models.ASSURANCE_LEVELS key), the date of that assurance, and the gaps found."""

    line: int | None
    level: str
    assured_on: date | None
    control_gaps: str = ""
    assurance_gaps: str = ""

    def values(self) -> dict:
        """As the control's fields (ASSURANCE_FIELDS)."""
        return dict(
            zip(
                ASSURANCE_FIELDS,
                (self.line, self.level, self.assured_on, self.control_gaps, self.assurance_gaps),
                strict=True,
            )
        )


def record_assurance(
    risk: Risk,
    control: Control,
    update: AssuranceUpdate,
    *,
    expected_version: int | None = None,
    at: datetime | None = None,
) -> dict:
    """Record the control's latest assurance: appended to its history and copied onto the
    control. An update that changes nothing (same date, line, level and gaps) writes nothing.
    Returns the {field: [old, new]} that changed, as audited."""
    check_version(risk, expected_version)
    at = at or now_utc()
    before = {name: getattr(control, name) for name in ASSURANCE_FIELDS}
    changes = audit.diff(before, update.values())
    if not changes:
        return changes
    for name, value in update.values().items():
        setattr(control, name, value)
    db.session.add(
        ControlAssurance(  # the history's columns are the update's fields
            control_id=control.id,
            **asdict(update),
            created_at=at,
            created_by_id=audit.acting_user_id(),
        )
    )
    audit.record(
        "control",
        control.id,
        "assure",
        changes,
        risk_id=risk.id,
        summary=f"Updated assurance on control on {risk.ref}: {control.description[:120]}",
        at=at,
    )
    mark_changed(risk, at)
    return changes


def add_action_note(
    risk: Risk, action: Action, text: str, *, user_id: int | None = None, at: datetime | None = None
) -> ActionNote:
    """Append a progress note to an action, with who wrote it and when. Notes are never edited,
    and a note conflicts with no one's form, so it leaves the risk's version alone."""
    note = ActionNote(
        action_id=action.id,
        text=text,
        created_at=at or now_utc(),
        created_by_id=user_id if user_id is not None else audit.acting_user_id(),
    )
    db.session.add(note)
    db.session.flush()
    audit.record(
        "action_note",
        note.id,
        "add",
        {"text": [None, text]},
        risk_id=risk.id,
        summary=f"Progress note on the action “{action.description[:60]}” of {risk.ref}: "
        f"{text[:120]}",
        user_id=user_id,
        at=note.created_at,
    )
    return note


def remove_notes(risk: Risk, action: Action) -> None:
    """The notes go with their action, each removal in the audit trail."""
    notes = db.session.scalars(select(ActionNote).where(ActionNote.action_id == action.id))
    for note in notes:
        audit.record(
            "action_note",
            note.id,
            "remove",
            {"text": [note.text, None]},
            risk_id=risk.id,
            summary=f"Removed a progress note with its action from {risk.ref}: {note.text[:120]}",
        )
    db.session.execute(delete(ActionNote).where(ActionNote.action_id == action.id))
