"""A risk's own fields, its raising and its closing and reopening."""

from datetime import datetime
from functools import partial

from sqlalchemy import func, select

from riskreg import audit, clock
from riskreg.clock import now_utc
from riskreg.domain.agencies import listed
from riskreg.extensions import db
from riskreg.models import Agency, Meeting, Risk, Section
from riskreg.ui.meeting_choices import meeting_label

from .locking import check_version, mark_changed
from .scores import Scoring, add_assessments, suggested_review

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
