"""The register as plain data: risk and score facts, register rows with their flags, direction
of travel, register order and the heat map's cells."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from .decisions import UNDECIDED, DecisionFact, decision_due, tolerated
from .scoring import Scheme, ScoreView

# The three scorings of a risk: before controls, with controls as they are, after planned actions.
KINDS = ("inherent", "current", "target")
DIRECTIONS = {
    "up": ("↑", "Worse"),
    "down": ("↓", "Better"),
    "same": ("→", "No change"),
    "new": ("new", "New"),
}


def direction_of_travel(now: int | None, before: int | None) -> str:
    """'up' when the current score rose (worse), 'down' when it fell, 'new' with no baseline."""
    if before is None or now is None:
        return "new"
    if now > before:
        return "up"
    if now < before:
        return "down"
    return "same"


@dataclass(frozen=True)
class ScoreFact:
    """One assessment, as the register needs it."""

    id: int
    risk_id: int
    kind: str
    likelihood: int
    impact: int
    score: int
    scheme_version: int
    created_at: datetime


@dataclass(frozen=True)
class RiskFact:
    """A risk's own fields, as the register needs them."""

    id: int
    ref: str
    title: str
    statement: str
    section_id: int
    section_name: str
    section_prefix: str
    section_position: int
    appetite: int | None
    owner_name: str
    owner_role: str
    lead_agency: str
    partner_agencies: str
    priority: str
    status: str
    created_at: datetime
    closed_at: datetime | None
    closed_reason: str
    target_date: date | None
    next_review: date | None
    version: int
    # Shown on the risk's page and in the exports, not in the register's table.
    causes: str = ""
    consequences: str = ""
    owner_email: str = ""


@dataclass(frozen=True)
class RegisterRow:
    risk: RiskFact
    inherent: ScoreView | None
    current: ScoreView | None
    target: ScoreView | None
    baseline: ScoreView | None  # the current score the direction of travel compares with
    direction: str
    open_actions: int = 0
    overdue_actions: int = 0
    review_overdue: bool = False
    past_target: bool = False
    above_appetite: bool = False
    # A value of an indicator it bears on went beyond a threshold after its latest rescore.
    indicator_moved: bool = False
    open_challenge: bool = False  # a challenge about it is open or awaiting the board
    weak_assurance: bool = False  # a control's latest assurance is limited or none
    decision: DecisionFact | None = None  # its latest: the treatment
    decision_due: bool = False  # its look-again date passed, or tolerated and since rescored up
    no_decision: bool = False  # above appetite, and no current decision to tolerate it

    @property
    def treatment(self) -> str:
        """ "Tolerate until 31 March 2027", or "Not yet decided"."""
        return self.decision.words if self.decision else UNDECIDED

    @property
    def treatment_short(self) -> str:
        return self.decision.short if self.decision else UNDECIDED

    @property
    def ref(self) -> str:
        return self.risk.ref

    @property
    def baseline_score(self) -> int | None:
        return self.baseline.score if self.baseline else None


def view_of_fact(fact: ScoreFact | None, schemes: dict[int, Scheme]) -> ScoreView | None:
    """A score with the band of the scheme version it was made under, never rescored."""
    if fact is None:
        return None
    return schemes[fact.scheme_version].score_view(fact.likelihood, fact.impact)


def build_row(
    risk: RiskFact,
    scores: dict[str, ScoreFact],
    baseline: ScoreFact | None,
    schemes: dict[int, Scheme],
    today: date,
    open_actions: int = 0,
    overdue_actions: int = 0,
) -> RegisterRow:
    """One register row from a risk, its latest score per kind and its baseline current score."""
    inherent, current, target = (view_of_fact(scores.get(k), schemes) for k in KINDS)
    return row_from_views(
        risk,
        inherent,
        current,
        target,
        view_of_fact(baseline, schemes),
        today,
        open_actions,
        overdue_actions,
    )


def row_from_views(
    risk: RiskFact,
    inherent: ScoreView | None,
    current: ScoreView | None,
    target: ScoreView | None,
    baseline: ScoreView | None,
    today: date,
    open_actions: int = 0,
    overdue_actions: int = 0,
    indicator_moved: bool = False,
    open_challenge: bool = False,
    weak_assurance: bool = False,
    decision: DecisionFact | None = None,
) -> RegisterRow:
    """A register row and its flags from scores already banded (live, or from a snapshot)."""
    is_open = risk.status == "open"
    score = current.score if current else None
    above_appetite = current is not None and beyond_appetite(current.score, risk.appetite)
    return RegisterRow(
        risk=risk,
        inherent=inherent,
        current=current,
        target=target,
        baseline=baseline,
        direction=direction_of_travel(
            current.score if current else None, baseline.score if baseline else None
        ),
        open_actions=open_actions,
        overdue_actions=overdue_actions,
        review_overdue=is_open and review_overdue_on(risk.next_review, today),
        past_target=is_open
        and risk.target_date is not None
        and risk.target_date < today
        and current is not None
        and target is not None
        and current.score > target.score,
        above_appetite=above_appetite,
        indicator_moved=is_open and indicator_moved,
        open_challenge=is_open and open_challenge,
        weak_assurance=is_open and weak_assurance,
        decision=decision,
        decision_due=is_open and decision_due(decision, score, today),
        no_decision=is_open and above_appetite and not tolerated(decision, score, today),
    )


def beyond_appetite(score: int, appetite: int | None) -> bool:
    """A score above the highest its section tolerates (a section without one tolerates all)."""
    return appetite is not None and score > appetite


def ref_key(row: RegisterRow) -> tuple[str, int, str]:
    """SG-9 before SG-10: the ref's number compared as a number."""
    prefix, _, number = row.ref.rpartition("-")
    return (prefix, int(number) if number.isdigit() else 0, row.ref)


def sort_rows(rows: list[RegisterRow]) -> list[RegisterRow]:
    """Section order, then highest current score first, then ref."""
    return sorted(
        rows,
        key=lambda r: (r.risk.section_position, -(r.current.score if r.current else 0), ref_key(r)),
    )


def heatmap_cells(
    rows: Iterable[RegisterRow], basis: str, scheme: Scheme
) -> dict[tuple[int, int], list[RegisterRow]]:
    """The register on the scheme's grid: (likelihood, impact) -> the rows scored there on
    `basis` ("inherent", "current" or "target"), highest score first as the register orders
    them. Every cell is present, empty or not; a row not scored on that basis is left out."""
    if basis not in KINDS:
        raise ValueError(f"basis must be one of {', '.join(KINDS)}")
    cells: dict[tuple[int, int], list[RegisterRow]] = {
        position: [] for position in scheme.positions()
    }
    for row in rows:
        view = getattr(row, basis)
        if view is not None:
            cells[(view.likelihood, view.impact)].append(row)
    return cells


def review_overdue_on(next_review: date | None, day: date) -> bool:
    """An open risk's review is overdue on a day after its next review date."""
    return next_review is not None and next_review < day


def action_open_on(status: str, completed_on: date | None, day: date) -> bool:
    """An action is open on a day until it is complete, and was complete on the day only if it
    had been completed by then (actions keep no other history)."""
    return status != "complete" or (completed_on is not None and completed_on > day)


def action_overdue_on(status: str, completed_on: date | None, due_on: date | None, day: date):
    """Open on the day and due before it."""
    return action_open_on(status, completed_on, day) and due_on is not None and due_on < day
