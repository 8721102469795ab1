"""Changing the meeting cycle, with the audit events: adding and editing board meetings, and
agreeing the register at one (its snapshot, and the rescores the board says it agreed). The
caller commits."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update

from riskreg import audit, clock, domain
from riskreg.clock import now_utc
from riskreg.domain.dates import long_date
from riskreg.extensions import db
from riskreg.models import Assessment, AssessmentAgreement, Meeting, Risk, ScoringScheme, User
from riskreg.readmodel import (
    RegisterQuery,
    agreed_at_meeting,
    refresh_scores,
    register_rows,
    schemes_by_version,
)

from . import snapshots

MEETING_FIELDS = ("held_on", "title", "notes")


def meeting_values(meeting: Meeting) -> dict:
    return {name: getattr(meeting, name) for name in MEETING_FIELDS}


def add_meeting(values: dict) -> Meeting:
    meeting = Meeting(**values)
    db.session.add(meeting)
    db.session.flush()
    audit.record_added(
        "meeting",
        meeting,
        MEETING_FIELDS,
        f"Added the meeting {meeting.title} on {long_date(meeting.held_on)}",
    )
    return meeting


def update_meeting(meeting: Meeting, values: dict) -> dict:
    """Change the meeting's fields; returns the {field: [old, new]} that changed."""
    changes = audit.diff(meeting_values(meeting), values)
    if changes:
        for name, value in values.items():
            setattr(meeting, name, value)
        audit.record(
            "meeting",
            meeting.id,
            "update",
            changes,
            summary=f"Edited the meeting of {long_date(meeting.held_on)}: " + ", ".join(changes),
        )
    return changes


# --- Agreeing the register -----------------------------------------------------------------


class AlreadyAgreed(Exception):
    """The register was agreed at this meeting already; an agreed snapshot is never redone."""

    def __init__(self, meeting: Meeting):
        super().__init__(f"The register was already agreed at the meeting of {meeting.held_on}")
        self.meeting = meeting


@dataclass(frozen=True)
class RescoreToAgree:
    """One rescore since the previous agreed register (the assessments of one risk made
    together), which the board may say it agreed when it agrees the register."""

    key: str  # its assessment ids, "12-13": the form's value for it
    ref: str
    title: str
    at: datetime
    by: str
    rationale: str
    scorings: tuple[tuple[str, domain.ScoreView], ...]  # (kind, score), in kind order
    agreed_at: str  # the meeting that agreed it already, or ""

    @property
    def assessment_ids(self) -> list[int]:
        return [int(part) for part in self.key.split("-")]


def rescores_to_agree(meeting: Meeting) -> list[RescoreToAgree]:
    """The open risks' rescores made since the register was last agreed before `meeting`,
    newest first; a risk's first scoring (when it was raised) is not a rescore. One
    statement."""
    previous = snapshots.previous_agreed(meeting)
    schemes = schemes_by_version()
    query = (
        select(Assessment, ScoringScheme.version, Risk.ref, Risk.title, User.name, Meeting.title)
        .join(Risk, Risk.id == Assessment.risk_id)
        .join(ScoringScheme, ScoringScheme.id == Assessment.scheme_id)
        .outerjoin(User, User.id == Assessment.created_by_id)
        .outerjoin(Meeting, Meeting.id == agreed_at_meeting())
        .where(Risk.status == "open", Assessment.created_at > Risk.created_at)
        .order_by(Assessment.created_at.desc(), Risk.ref, Assessment.id)
    )
    if previous is not None:
        query = query.where(Assessment.created_at > previous.agreed_at)
    grouped: dict[tuple[int, datetime], list] = {}
    for row in db.session.execute(query):
        grouped.setdefault((row[0].risk_id, row[0].created_at), []).append(row)
    rescores = []
    for rows in grouped.values():
        first, version, ref, title, by, agreed = rows[0]
        rows.sort(key=lambda r: domain.KINDS.index(r[0].kind))
        scorings = tuple(
            (a.kind, schemes[v].score_view(a.likelihood, a.impact)) for a, v, *_ in rows
        )
        key = "-".join(str(r[0].id) for r in rows)
        rescores.append(
            RescoreToAgree(
                key, ref, title, first.created_at, by or "", first.rationale, scorings, agreed or ""
            )  # fmt: skip
        )
    return rescores


def agree_register(
    meeting: Meeting,
    *,
    agreed_rescores: list[RescoreToAgree] = (),
    user_id: int | None = None,
    at: datetime | None = None,
) -> int:
    """Record that the board agreed the register at `meeting`, with a snapshot of every open
    risk as the register shows it now (or, given `at`, as it stood at the end of that day: the
    history the register is rebuilt from is kept by day), and the rescores it said it agreed
    there, as rows of their own. Returns how many risks it holds. The caller commits."""
    when = at or now_utc()
    rows = register_rows(RegisterQuery(as_at=clock.local_date(at)) if at else RegisterQuery())
    user_id = user_id if user_id is not None else audit.acting_user_id()
    # A conditional update, so two managers agreeing at once cannot both succeed.
    claimed = db.session.execute(
        update(Meeting)
        .where(Meeting.id == meeting.id, Meeting.agreed_at.is_(None))
        .values(agreed_at=when, agreed_by_id=user_id)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        db.session.refresh(meeting)
        raise AlreadyAgreed(meeting)
    db.session.refresh(meeting)
    db.session.add_all(snapshots.snapshot_row(meeting.id, row) for row in rows)
    db.session.add_all(
        AssessmentAgreement(
            meeting_id=meeting.id,
            assessment_id=assessment_id,
            agreed_at=when,
            agreed_by_id=user_id,
        )  # fmt: skip
        for rescore in agreed_rescores
        for assessment_id in rescore.assessment_ids
    )
    audit.record(
        "meeting",
        meeting.id,
        "agree",
        {
            "agreed_at": [None, audit.plain(when)],
            "risks": [None, len(rows)],
            "rescores agreed": [
                None,
                ", ".join(
                    f"{r.ref} ({long_date(clock.local_date(r.at))})" for r in agreed_rescores
                ),
            ],
        },  # fmt: skip
        summary=f"Agreed the register at {meeting.title} on {long_date(meeting.held_on)}: "
        f"{len(rows)} open risks",
        user_id=user_id,
        at=when,
    )
    db.session.flush()
    refresh_scores()  # every risk's direction of travel now compares with this agreement
    return len(rows)
