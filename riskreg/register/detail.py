"""What a risk's page shows beyond its register row: its score history (and its chart),
controls with their earlier assurance, and actions with their progress notes (its audit trail
is audit_trail.py's). One statement each, however long the history."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import lazyload

from riskreg import clock, domain
from riskreg.domain.dates import long_date
from riskreg.extensions import db
from riskreg.models import (
    Action,
    ActionNote,
    Assessment,
    Control,
    ControlAssurance,
    Meeting,
    Risk,
    ScoringScheme,
    User,
)
from riskreg.readmodel import active_scheme, agreed_at_meeting, schemes_by_version
from riskreg.ui import charts

from .actions import action_order


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    kind: str
    view: domain.ScoreView  # with the band of the scheme version it was made under
    rationale: str
    by: str
    meeting: str


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
        .options(lazyload(Risk.partners))  # the page lists them from the register's row
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
            view=schemes[version].score_view(a.likelihood, a.impact),
            rationale=a.rationale,
            by=name or "",
            meeting=title or "",
        )
        for a, version, name, title in rows
    ]


def score_history_chart(
    risk: Risk, history: list[HistoryEntry], today: date
) -> charts.LineChart | None:
    """The current and target scores over time, drawn from the history the table lists: steps,
    as a score holds until the next rescore (and the latest until today, or the risk's closure),
    over the active scheme's bands, with the meetings that agreed the register in that time.
    One statement (the meetings); None for a risk never scored."""
    oldest_first = history[::-1]
    series = [
        charts.Series(
            f"{kind.capitalize()} score",
            tuple(
                charts.Point(clock.local_date(e.at), e.view.score)
                for e in oldest_first
                if e.kind == kind
            ),
            steps=True,
        )
        for kind in ("current", "target")
    ]
    if not series[0].points:
        return None
    start = series[0].points[0].on
    closed = risk.status == "closed" and risk.closed_at
    until = clock.local_date(risk.closed_at) if closed else today
    meetings = db.session.execute(
        select(Meeting.held_on, Meeting.title)
        .where(Meeting.agreed_at.is_not(None), Meeting.held_on.between(start, until))
        .order_by(Meeting.held_on, Meeting.id)
    ).all()
    scheme = active_scheme()
    # Each band runs to halfway to the next one's lowest score (no score falls in the gap).
    edges = [0] + [
        (a.max + b.min) / 2 for a, b in zip(scheme.bands, scheme.bands[1:], strict=False)
    ]
    edges.append(scheme.bands[-1].max)
    bands = [
        charts.BackgroundBand(low, high, band.colour, band.name)
        for band, low, high in zip(scheme.bands, edges, edges[1:], strict=False)
    ]
    return charts.line_chart_layout(
        f"{risk.ref}: current and target score over time",
        series,
        description=_history_description(oldest_first, len(meetings), scheme),
        y_range=(0, scheme.bands[-1].max),
        whole_numbers=True,
        bands=bands,
        markers=[charts.Marker(held_on, title) for held_on, title in meetings],
        markers_name="Board meeting at which the register was agreed",
        until=until,
    )


def _history_description(oldest_first: list[HistoryEntry], meetings: int, scheme) -> str:
    """The chart in words: each kind's first and latest score, the meetings, the bands."""

    def plural(n: int, word: str) -> str:
        return f"{n} {word}{'s' * (n != 1)}"

    def scored(entry: HistoryEntry, word: str) -> str:
        day = long_date(clock.local_date(entry.at))
        return f"{entry.view.score} {entry.view.band.name} {word} {day}"

    parts = []
    for kind in ("current", "target"):
        entries = [e for e in oldest_first if e.kind == kind]
        if entries:
            steps = [scored(entries[0], "on")] if len(entries) > 1 else []
            steps.append(scored(entries[-1], "since"))
            parts.append(
                f"{kind if parts else kind.capitalize()} score {', then '.join(steps)}"
                f" ({plural(len(entries), 'scoring')})"
            )
    if meetings:
        parts.append(f"{plural(meetings, 'board meeting')} at which the register was agreed marked")
    bands = ", ".join(f"{b.name} {b.min} to {b.max}" for b in scheme.bands)
    parts.append(f"behind the lines, the score bands: {bands}")
    return "; ".join(parts) + ". The score history table lists every assessment."


def controls_of(risk_id: int) -> list[Control]:
    return list(
        db.session.scalars(select(Control).where(Control.risk_id == risk_id).order_by(Control.id))
    )


@dataclass(frozen=True)
class AssuranceEntry:
    at: datetime
    by: str
    line: int | None
    level: str
    assured_on: date | None
    control_gaps: str
    assurance_gaps: str


def earlier_assurance(risk_id: int) -> dict[int, list[AssuranceEntry]]:
    """Each control's assurance updates before its latest (which the control itself holds),
    by control, newest first. One statement for all the risk's controls."""
    rows = db.session.execute(
        select(ControlAssurance, User.name)
        .join(Control, Control.id == ControlAssurance.control_id)
        .outerjoin(User, User.id == ControlAssurance.created_by_id)
        .where(Control.risk_id == risk_id)
        .order_by(ControlAssurance.created_at.desc(), ControlAssurance.id.desc())
    )
    history: dict[int, list[AssuranceEntry]] = {}
    for entry, name in rows:
        history.setdefault(entry.control_id, []).append(
            AssuranceEntry(
                entry.created_at,
                name or "",
                entry.line,
                entry.level,
                entry.assured_on,
                entry.control_gaps,
                entry.assurance_gaps,
            )
        )
    return {control_id: entries[1:] for control_id, entries in history.items() if entries[1:]}


def actions_of(risk_id: int) -> list[Action]:
    """Open actions first, soonest due first; completed ones after them."""
    return list(
        db.session.scalars(
            select(Action)
            .where(Action.risk_id == risk_id)
            .order_by(Action.status == "complete", *action_order())
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
