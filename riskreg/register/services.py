"""Changing the register. Each function makes one change and its audit events, and leaves the
commit to the caller, so a change and its audit trail land together or not at all."""

from dataclasses import dataclass
from datetime import date, datetime
from functools import partial

from sqlalchemy import delete, func, select

from riskreg import audit, clock, domain
from riskreg.clock import now_utc
from riskreg.domain.agencies import listed
from riskreg.domain.dates import long_date
from riskreg.extensions import db
from riskreg.models import (
    Action,
    ActionNote,
    Agency,
    Assessment,
    Control,
    ControlAssurance,
    Meeting,
    Risk,
    ScoringScheme,
    Section,
)
from riskreg.readmodel import active_scheme, active_scheme_row, next_meeting, refresh_scores
from riskreg.ui.meeting_choices import meeting_label

# The fields a manager edits on the risk form, in the order the audit trail lists them.
RISK_FIELDS = (
    "title",
    "statement",
    "causes",
    "consequences",
    "owner_name",
    "owner_role",
    "owner_email",
    "lead_agency_id",
    "partner_agency_ids",
    "priority",
    "target_date",
    "next_review",
)
# The agency fields as the audit trail records them: by name, so that a rename or a removal
# later leaves the history readable ("Lead agency: Police → Schools").
AUDITED_AS = {"lead_agency_id": "lead_agency", "partner_agency_ids": "partner_agencies"}
CONTROL_FIELDS = ("description", "owner", "assurance_source", "effectiveness")
ACTION_FIELDS = ("description", "owner", "owner_email", "due_on", "status")
# A control's assurance map, as the control holds its latest update.
ASSURANCE_FIELDS = ("assurance_line", "assurance_level", "assured_on", "control_gaps",
                    "assurance_gaps")  # fmt: skip


class StaleVersion(Exception):
    """Someone else saved the risk since this form was loaded."""

    def __init__(self, risk: Risk):
        super().__init__(f"{risk.ref} was changed by someone else")
        self.risk = risk


@dataclass(frozen=True)
class Scoring:
    likelihood: int
    impact: int

    @property
    def score(self) -> int:
        return domain.score_of(self.likelihood, self.impact)


def suggested_review(score: int, on: date) -> date:
    """The next review date the band's interval gives for a score made on `on`."""
    band = active_scheme().band_for(score)
    meeting = next_meeting(on)
    return domain.review_due(on, band, meeting.held_on if meeting else None)


def check_version(risk: Risk, expected_version: int | None) -> None:
    if expected_version is not None and risk.version != expected_version:
        raise StaleVersion(risk)


def audited_values(risk: Risk, names=RISK_FIELDS) -> dict:
    """The risk's fields as the audit trail records them (agencies by name)."""
    values = {}
    for name in names:
        if name == "lead_agency_id":
            values["lead_agency"] = risk.lead_agency.name if risk.lead_agency else None
        elif name == "partner_agency_ids":
            values["partner_agencies"] = listed(a.name for a in risk.partners)
        else:
            values[name] = getattr(risk, name)
    return values


def set_fields(risk: Risk, fields: dict) -> None:
    """Set the risk's fields from what the services take. The agencies must be on the list
    (ValueError otherwise); a partner that is also the lead is dropped: the lead agency is
    never its own partner."""
    fields = dict(fields)
    lead_id = fields.pop("lead_agency_id", None)
    partner_ids = fields.pop("partner_agency_ids", None)
    wanted = {lead_id, *(partner_ids or ())} - {None}
    found = {}
    if wanted:
        found = {a.id: a for a in db.session.scalars(select(Agency).where(Agency.id.in_(wanted)))}
    if wanted - found.keys():
        raise ValueError(f"No agency has the id {min(wanted - found.keys())}")
    for name, value in fields.items():
        setattr(risk, name, value)
    if lead_id is not None:
        risk.lead_agency = found[lead_id]
    if partner_ids is not None:
        risk.partners = [found[i] for i in sorted(set(partner_ids))]
    if risk.lead_agency in risk.partners:
        risk.partners = [a for a in risk.partners if a is not risk.lead_agency]


def next_number(section: Section) -> int:
    # Risks are never deleted, so the highest number ever used is still in the table.
    highest = db.session.scalar(select(func.max(Risk.number)).where(Risk.section_id == section.id))
    return (highest or 0) + 1


def create_risk(
    section: Section,
    fields: dict,
    scores: dict[str, Scoring],
    rationale: str,
    *,
    user_id: int | None = None,
    at: datetime | None = None,
    number: int | None = None,
) -> Risk:
    """A new risk with its inherent, current and target scores; `number` gives its ref (an
    import keeping a spreadsheet's refs), else the section's next free one."""
    at = at or now_utc()
    if number is None:
        number = next_number(section)
    elif db.session.scalar(
        select(Risk.id).where(Risk.section_id == section.id, Risk.number == number)
    ):
        raise ValueError(f"{section.prefix}-{number:02d} is already used")
    risk = Risk(
        section=section,
        number=number,
        ref=f"{section.prefix}-{number:02d}",
        created_at=at,
        created_by_id=user_id if user_id is not None else audit.acting_user_id(),
    )
    set_fields(risk, {name: value for name, value in fields.items() if value is not None})
    if risk.lead_agency is None:
        raise ValueError("A risk needs a lead agency")
    if risk.next_review is None and "current" in scores:
        risk.next_review = suggested_review(scores["current"].score, clock.local_date(at))
    db.session.add(risk)
    db.session.flush()
    audit.record(
        "risk",
        risk.id,
        "create",
        audit.diff({}, {"section": section.name, **audited_values(risk)}),
        risk_id=risk.id,
        summary=f"Raised {risk.ref}: {risk.title}",
        user_id=user_id,
        at=at,
    )
    add_assessments(risk, scores, rationale, user_id=user_id, at=at)
    return risk


def add_assessments(
    risk: Risk,
    scores: dict[str, Scoring],
    rationale: str,
    *,
    meeting_id: int | None = None,
    user_id: int | None = None,
    at: datetime | None = None,
) -> list[Assessment]:
    """Append one assessment per kind given: history is never rewritten. Every score written
    comes through here (or record_under_scheme, for many risks at once), so this is where the
    projection of the latest scores follows."""
    added = _append_assessments(
        risk,
        scores,
        rationale,
        active_scheme_row(),
        meeting_id=meeting_id,
        user_id=user_id,
        at=at or now_utc(),
    )
    refresh_scores([risk.id])
    return added


def record_under_scheme(changes: list[domain.BandChange]) -> int:
    """The latest scheme version adopted: each scoring whose band it changes is
    recorded again under it with the same likelihood and impact, so the present reads in one
    version. Closed risks and next-review dates are untouched. Returns how many were added."""
    scheme = active_scheme_row()
    at, rationale = now_utc(), f"Scoring scheme version {scheme.version} adopted"
    by_risk: dict[int, dict[str, Scoring]] = {}
    for change in changes:
        scoring = Scoring(change.scoring.likelihood, change.scoring.impact)
        by_risk.setdefault(change.row.risk.id, {})[change.kind] = scoring
    risks = db.session.scalars(select(Risk).where(Risk.id.in_(by_risk))) if by_risk else []
    added = 0
    for risk in risks:
        added += len(_append_assessments(risk, by_risk[risk.id], rationale, scheme, at=at))
    if by_risk:
        refresh_scores(list(by_risk))
    return added


def _append_assessments(
    risk: Risk,
    scores: dict[str, Scoring],
    rationale: str,
    scheme: ScoringScheme,
    *,
    at: datetime,
    meeting_id: int | None = None,
    user_id: int | None = None,
) -> list[Assessment]:
    added = []
    for kind in domain.KINDS:
        if kind not in scores:
            continue
        scoring = scores[kind]
        assessment = Assessment(
            risk_id=risk.id,
            kind=kind,
            likelihood=scoring.likelihood,
            impact=scoring.impact,
            score=scoring.score,
            scheme_id=scheme.id,
            rationale=rationale,
            meeting_id=meeting_id,
            created_at=at,
            created_by_id=user_id if user_id is not None else audit.acting_user_id(),
        )
        db.session.add(assessment)
        added.append(assessment)
    db.session.flush()
    for assessment in added:
        audit.record(
            "assessment",
            assessment.id,
            "score",
            {"kind": [None, assessment.kind], "score": [None, assessment.score]},
            risk_id=risk.id,
            summary=f"{risk.ref} {assessment.kind} scored {assessment.likelihood} × "
            f"{assessment.impact} = {assessment.score}: {rationale}",
            user_id=user_id,
            at=at,
        )
    return added


def rescore_risk(
    risk: Risk,
    scores: dict[str, Scoring],
    rationale: str,
    *,
    expected_version: int | None = None,
    meeting_id: int | None = None,
    next_review: date | None = None,
    user_id: int | None = None,
    at: datetime | None = None,
) -> list[Assessment]:
    """A rescore: new current and/or target scores with the reason, and the next review date."""
    check_version(risk, expected_version)
    at = at or now_utc()
    added = add_assessments(risk, scores, rationale, meeting_id=meeting_id, user_id=user_id, at=at)
    if next_review is None and "current" in scores:
        next_review = suggested_review(scores["current"].score, clock.local_date(at))
    if next_review is not None and next_review != risk.next_review:
        audit.record(
            "risk",
            risk.id,
            "update",
            audit.diff({"next_review": risk.next_review}, {"next_review": next_review}),
            risk_id=risk.id,
            summary=f"{risk.ref} next review set to {long_date(next_review)}",
            user_id=user_id,
            at=at,
        )
        risk.next_review = next_review
    mark_changed(risk, at)
    return added


def update_risk(risk: Risk, fields: dict, *, expected_version: int | None = None) -> dict:
    """Edit the risk's own fields (and its agencies); returns the {field: [old, new]} that
    changed, as audited. A change of partners alone moves the risk's version on too."""
    check_version(risk, expected_version)
    before = audited_values(risk, fields.keys())
    set_fields(risk, fields)
    changes = audit.diff(before, audited_values(risk, fields.keys()))
    if changes:
        audit.record(
            "risk",
            risk.id,
            "update",
            changes,
            risk_id=risk.id,
            summary=f"Edited {risk.ref}: {', '.join(changes)}",
        )
        mark_changed(risk)
    return changes


def change_status(
    risk: Risk,
    reason: str,
    *,
    closing: bool,
    meeting: Meeting | None = None,
    expected_version: int | None = None,
    at: datetime | None = None,
) -> None:
    """Close a risk, or reopen it (closing=False), with the reason in the audit trail; a closing
    may name the board meeting that agreed it, and reopening forgets that meeting."""
    check_version(risk, expected_version)
    at = at or now_utc()
    agreed_before = closure_meeting_label(risk.closed_meeting_id)
    if closing:
        action, summary = "close", f"Closed {risk.ref}: {reason}"
        changes = {"status": ["open", "closed"], "closed_reason": [risk.closed_reason, reason]}
        agreed = meeting_label(meeting) if meeting else None
    else:
        action, summary = "reopen", f"Reopened {risk.ref}: {reason}"
        changes = {"status": ["closed", "open"], "reopen_reason": [None, reason]}
        agreed = None
    if agreed != agreed_before:
        changes["closure_agreed_at"] = [agreed_before, agreed]
    audit.record("risk", risk.id, action, changes, risk_id=risk.id, summary=summary, at=at)
    risk.status = "closed" if closing else "open"
    risk.closed_at, risk.closed_reason = (at, reason) if closing else (None, "")
    risk.closed_meeting_id = meeting.id if closing and meeting else None
    mark_changed(risk, at)


def closure_meeting_label(meeting_id: int | None) -> str | None:
    meeting = db.session.get(Meeting, meeting_id) if meeting_id is not None else None
    return meeting_label(meeting) if meeting else None


close_risk = partial(change_status, closing=True)
reopen_risk = partial(change_status, closing=False)


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
        ControlAssurance(
            control_id=control.id,
            line=update.line,
            level=update.level,
            assured_on=update.assured_on,
            control_gaps=update.control_gaps,
            assurance_gaps=update.assurance_gaps,
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


def mark_changed(risk: Risk, at: datetime | None = None) -> None:
    """A change to a risk's scores, controls or actions is a change to the risk: its
    optimistic-lock version moves on, so a form opened before it conflicts."""
    risk.updated_at = at or now_utc()
    db.session.flush()
