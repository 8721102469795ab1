"""What the risk page and the dashboard show beyond the register rows: a risk's score history,
controls, actions and audit trail, and the latest changes. One statement each, however long
the history."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import aliased

from riskreg import domain
from riskreg.domain.dates import long_date
from riskreg.extensions import db
from riskreg.models import (
    ACTION_STATUSES,
    EFFECTIVENESS,
    Action,
    ActionNote,
    Assessment,
    AuditEvent,
    Control,
    Meeting,
    Risk,
    ScoringScheme,
    User,
)
from riskreg.readmodel import agreed_at_meeting, schemes_by_version


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    kind: str
    view: domain.ScoreView  # with the band of the scheme version it was made under
    rationale: str
    by: str
    meeting: str


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


def is_plausible_ref(ref: str) -> bool:
    """Longer than any ref, or with a NUL (which PostgreSQL refuses), is no ref at all."""
    return len(ref) <= 16 and "\x00" not in ref


def load_risk(ref: str) -> tuple[Risk, str, Meeting | None] | None:
    """The risk (its section joined), the name of whoever raised it and the meeting that agreed
    its closure, if one did; None for an unknown ref."""
    if not is_plausible_ref(ref):
        return None
    found = db.session.execute(
        select(Risk, User.name, Meeting)
        .outerjoin(User, User.id == Risk.created_by_id)
        .outerjoin(Meeting, Meeting.id == Risk.closed_meeting_id)
        .where(Risk.ref == ref)
    ).first()
    return None if found is None else (found[0], found[1] or "", found[2])


def score_history(risk_id: int) -> list[HistoryEntry]:
    """Every assessment of the risk, newest first."""
    schemes = schemes_by_version()
    rows = db.session.execute(
        select(Assessment, ScoringScheme.version, User.name, Meeting.title)
        .join(ScoringScheme, ScoringScheme.id == Assessment.scheme_id)
        .outerjoin(User, User.id == Assessment.created_by_id)
        .outerjoin(Meeting, Meeting.id == agreed_at_meeting(Assessment))
        .where(Assessment.risk_id == risk_id)
        .order_by(Assessment.created_at.desc(), Assessment.id.desc())
    )
    return [
        HistoryEntry(
            at=a.created_at,
            kind=a.kind,
            view=domain.ScoreView(
                a.likelihood, a.impact, a.score, schemes[version].band_for(a.score), version
            ),
            rationale=a.rationale,
            by=name or "",
            meeting=title or "",
        )
        for a, version, name, title in rows
    ]


def controls_of(risk_id: int) -> list[Control]:
    return list(
        db.session.scalars(select(Control).where(Control.risk_id == risk_id).order_by(Control.id))
    )


def actions_of(risk_id: int) -> list[Action]:
    """Open actions first, soonest due first; completed ones after them."""
    return list(
        db.session.scalars(
            select(Action)
            .where(Action.risk_id == risk_id)
            .order_by(
                (Action.status == "complete"),
                Action.due_on.is_(None),
                Action.due_on,
                Action.id,
            )
        )
    )


@dataclass(frozen=True)
class Note:
    at: datetime
    by: str
    text: str


def notes_of(risk_id: int) -> dict[int, list[Note]]:
    """The progress notes on the risk's actions, by action, newest first. One statement."""
    rows = db.session.execute(
        select(ActionNote, User.name)
        .join(Action, Action.id == ActionNote.action_id)
        .outerjoin(User, User.id == ActionNote.created_by_id)
        .where(Action.risk_id == risk_id)
        .order_by(ActionNote.created_at.desc(), ActionNote.id.desc())
    )
    notes: dict[int, list[Note]] = {}
    for note, name in rows:
        notes.setdefault(note.action_id, []).append(Note(note.created_at, name or "", note.text))
    return notes


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
    "completed_on": "Completed",
}
VALUE_LABELS = {"effectiveness": EFFECTIVENESS, "status": {**ACTION_STATUSES, "open": "Open",
                                                           "closed": "Closed"}}  # fmt: skip


def field_label(name: str) -> str:
    return FIELD_LABELS.get(name, name.replace("_", " ").capitalize())


def value_text(name: str, value) -> str:
    """An audited value as a person reads it: labels for codes, dates written out."""
    if value is None or value == "":
        return "(blank)"
    if isinstance(value, str):
        if value in VALUE_LABELS.get(name, {}):
            return VALUE_LABELS[name][value]
        try:
            return long_date(date.fromisoformat(value)) if len(value) == 10 else value
        except ValueError:
            return value
    return str(value)
