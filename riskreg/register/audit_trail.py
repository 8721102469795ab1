"""The audit trail as people read it: the changes to one risk or to any (a risk's page, the
conflict page, the dashboard), and how the trail names fields and coded values (the privacy scan
names fields the same way). One statement for any number of changes."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import aliased

from riskreg.domain.assurance import LINE_WORDS
from riskreg.domain.dates import long_date, parse_date
from riskreg.extensions import db
from riskreg.models import (
    ACTION_STATUSES,
    ASSURANCE_LEVELS,
    CHALLENGE_OUTCOMES,
    CHALLENGE_STATUSES,
    EFFECTIVENESS,
    ESCALATED_TO,
    AuditEvent,
    Risk,
)


@dataclass(frozen=True)
class Change:
    at: datetime
    entity: str  # "risk", "control", "action"
    by: str
    action: str
    summary: str
    changes: dict
    ref: str | None

    def lines(self) -> list[tuple[str, str | None, str]]:
        """(field, old, new) as a person reads them; old is None where there was nothing
        before (a risk raised, an action added), and fields left blank are not listed."""
        lines = []
        for name, values in self.changes.items():
            old, new = values if isinstance(values, list) and len(values) == 2 else (None, values)
            if _blank(old) and _blank(new):
                continue
            before = None if _blank(old) and self.action in CREATING else value_text(name, old)
            lines.append((field_label(name), before, value_text(name, new)))
        return lines


CREATING = ("create", "add", "score")


def _blank(value) -> bool:
    return value is None or value == ""


def _changes(query) -> list[Change]:
    risk = aliased(Risk, name="changed_risk")
    rows = db.session.execute(
        query.add_columns(risk.ref).outerjoin(risk, risk.id == AuditEvent.risk_id)
    ).all()
    return [
        Change(
            at=event.at,
            entity=event.entity,
            by=event.user.name if event.user else "",
            action=event.action,
            summary=event.summary,
            changes=event.changes or {},
            ref=ref,
        )
        for event, ref in rows
    ]


def audit_changes(
    risk_id: int | None = None, after_event_id: int | None = None, latest: int | None = None
) -> list[Change]:
    """Changes to one risk (or to any risk, not to users or settings), newest first: only
    those after the event `after_event_id`, and only the `latest` few, when given."""
    query = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    if risk_id is None:
        query = query.where(AuditEvent.risk_id.is_not(None))
    else:
        query = query.where(AuditEvent.risk_id == risk_id)
    if after_event_id is not None:
        query = query.where(AuditEvent.id > after_event_id)
    return _changes(query.limit(latest))


# How the audit trail names fields and coded values.
FIELD_LABELS = {
    "owner_name": "Owner",
    "owner_role": "Owner's role",
    "owner_email": "Owner's email",
    "lead_agency": "Lead agency",
    "partner_agencies": "Partner agencies",
    "priority": "Board priority or sub-group",
    "target_date": "Target date",
    "next_review": "Next review",
    "closed_reason": "Reason for closing",
    "reopen_reason": "Reason for reopening",
    "closure_agreed_at": "Closure agreed at",
    "assurance_source": "Source of assurance",
    "due_on": "Due",
    "assurance_line": "Line of assurance",
    "assurance_level": "Level of assurance",
    "assured_on": "Date of the latest assurance",
    "control_gaps": "Gaps in control",
    "assurance_gaps": "Gaps in assurance",
    "completed_on": "Completed",
    "question": "Question or concern",
    "raised_on": "Raised",
    "response_due": "Response due",
    "response_on": "Response received",
    "escalated_whom": "Escalated to whom",
    "outcome_note": "How resolved or why escalated",
    "closed_on": "Closed",
    "summary": "Summary for publication",
}
VALUE_LABELS = {"effectiveness": EFFECTIVENESS,
                # A risk is open or closed, as a challenge can be.
                "status": {**ACTION_STATUSES, **CHALLENGE_STATUSES},
                "assurance_level": ASSURANCE_LEVELS, "outcome": CHALLENGE_OUTCOMES,
                "escalated_to": ESCALATED_TO}  # fmt: skip


def field_label(name: str) -> str:
    return FIELD_LABELS.get(name, name.replace("_", " ").capitalize())


def value_text(name: str, value) -> str:
    """An audited value as a person reads it: labels for codes, dates written out."""
    if value is None or value == "":
        return "(blank)"
    if name == "assurance_line":
        return LINE_WORDS.get(value, str(value))
    if isinstance(value, str):
        if value in VALUE_LABELS.get(name, {}):
            return VALUE_LABELS[name][value]
        try:
            return long_date(parse_date(value, uk=False))
        except ValueError:
            return value
    return str(value)
