"""The pure domain core: scores, bands, review dates, direction of travel and the register as at
a moment. Plain data in, plain data out: no Flask, no database."""

import calendar
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

LEVELS = range(1, 6)
# The scores a 5 x 5 matrix can produce; bands need to cover only these (7 is not L x I).
POSSIBLE_SCORES = frozenset(likelihood * impact for likelihood in LEVELS for impact in LEVELS)
EVERY_MEETING = 0  # a band's review_months: review at every board meeting

DEFAULT_SECTIONS = [
    {"name": "Safeguarding risks and challenges", "prefix": "SG", "position": 1},
    {"name": "Board risks and challenges", "prefix": "BR", "position": 2},
]
DEFAULT_LIKELIHOOD = [
    {"name": "Rare", "descriptor": "Not expected to happen in the next five years."},
    {"name": "Unlikely", "descriptor": "Could happen, but not expected in the next two years."},
    {"name": "Possible", "descriptor": "Might happen in the next year; has happened elsewhere."},
    {"name": "Likely", "descriptor": "Will probably happen this year; has happened here."},
    {"name": "Almost certain", "descriptor": "Expected within months, or happening now."},
]
DEFAULT_IMPACT = [
    {
        "name": "Negligible",
        "descriptor": "No effect on children's safety; minor inconvenience to one agency.",
    },
    {
        "name": "Minor",
        "descriptor": "Short delay in services to children with no lasting harm; local complaint.",
    },
    {
        "name": "Moderate",
        "descriptor": "Children's needs unmet for weeks; harm that is put right; "
        "critical audit finding.",
    },
    {
        "name": "Major",
        "descriptor": "Serious harm to a child; a serious case review; "
        "a requires improvement judgement.",
    },
    {
        "name": "Catastrophic",
        "descriptor": "Death or life-changing harm to a child linked to agency failure; "
        "an inadequate inspection judgement.",
    },
]
DEFAULT_BANDS = [
    {"name": "Low", "min": 1, "max": 3, "colour": "#00703c", "review_months": 12,
     "response": "Managed by routine procedures."},
    {"name": "Moderate", "min": 4, "max": 6, "colour": "#ffdd00", "review_months": 6,
     "response": "Owner monitors; board notes."},
    {"name": "High", "min": 8, "max": 12, "colour": "#f47738", "review_months": 3,
     "response": "Active management; reported to each board."},
    {"name": "Extreme", "min": 15, "max": 25, "colour": "#d4351c",
     "review_months": EVERY_MEETING, "response": "Immediate action; escalated to the chair."},
]  # fmt: skip


@dataclass(frozen=True)
class Level:
    value: int
    name: str
    descriptor: str


@dataclass(frozen=True)
class Band:
    name: str
    min: int
    max: int
    colour: str
    review_months: int
    response: str = ""

    @property
    def text_colour(self) -> str:
        """Black or white, whichever reads better on the band colour (WCAG contrast)."""
        return "#0b0c0c" if relative_luminance(self.colour) > 0.179 else "#ffffff"

    @property
    def slug(self) -> str:
        return "".join(c if c.isalnum() else "-" for c in self.name.lower())

    @property
    def review_label(self) -> str:
        if self.review_months == EVERY_MEETING:
            return "every board meeting"
        return f"{self.review_months} month{'s' * (self.review_months != 1)}"


@dataclass(frozen=True)
class Scheme:
    version: int
    likelihood: tuple[Level, ...]
    impact: tuple[Level, ...]
    bands: tuple[Band, ...]

    @classmethod
    def from_data(cls, version: int, likelihood, impact, bands) -> "Scheme":
        return cls(
            version=version,
            likelihood=tuple(Level(n, **lv) for n, lv in enumerate(likelihood, start=1)),
            impact=tuple(Level(n, **lv) for n, lv in enumerate(impact, start=1)),
            bands=tuple(Band(**b) for b in sorted(bands, key=lambda b: b["min"])),
        )

    def band_for(self, score: int) -> Band:
        for band in self.bands:
            if band.min <= score <= band.max:
                return band
        raise ValueError(f"score {score} is in no band of scheme version {self.version}")


def default_scheme_data() -> dict[str, Any]:
    return {"likelihood": DEFAULT_LIKELIHOOD, "impact": DEFAULT_IMPACT, "bands": DEFAULT_BANDS}


def relative_luminance(colour: str) -> float:
    channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def score_of(likelihood: int, impact: int) -> int:
    if likelihood not in LEVELS or impact not in LEVELS:
        raise ValueError("likelihood and impact must each be a whole number from 1 to 5")
    return likelihood * impact


def band_problems(bands: Iterable[dict[str, Any]]) -> list[str]:
    """What is wrong with a band table: every possible score must fall in exactly one band."""
    bands = list(bands)
    problems = []
    for band in bands:
        if not 1 <= band["min"] <= band["max"] <= 25:
            problems.append(f"{band['name']}: the lowest and highest scores must run 1 to 25")
    for score in sorted(POSSIBLE_SCORES):
        holders = [b["name"] for b in bands if b["min"] <= score <= b["max"]]
        if not holders:
            problems.append(f"Score {score} is in no band")
        elif len(holders) > 1:
            problems.append(f"Score {score} is in more than one band ({', '.join(holders)})")
    return problems


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def review_due(assessed_on: date, band: Band, next_meeting: date | None = None) -> date:
    """When a risk scored into this band should next be reviewed."""
    if band.review_months == EVERY_MEETING:
        # Before the next meeting is scheduled, a month is the longest an Extreme risk waits.
        return next_meeting or add_months(assessed_on, 1)
    return add_months(assessed_on, band.review_months)


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


# --- The register as at a moment ---------------------------------------------------------


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


@dataclass(frozen=True)
class ScoreView:
    likelihood: int
    impact: int
    score: int
    band: Band
    scheme_version: int


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
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def ref(self) -> str:
        return self.risk.ref

    @property
    def baseline_score(self) -> int | None:
        return self.baseline.score if self.baseline else None


def open_at(risk: RiskFact, at: datetime) -> bool:
    return risk.created_at <= at and (risk.closed_at is None or risk.closed_at > at)


def latest_scores(
    assessments: Iterable[ScoreFact], at: datetime
) -> dict[tuple[int, str], ScoreFact]:
    """Each (risk, kind)'s latest assessment made at or before `at`."""
    latest: dict[tuple[int, str], ScoreFact] = {}
    for fact in assessments:
        if fact.created_at > at:
            continue
        key = (fact.risk_id, fact.kind)
        if key not in latest or (fact.created_at, fact.id) > (
            latest[key].created_at,
            latest[key].id,
        ):
            latest[key] = fact
    return latest


def score_view(fact: ScoreFact | None, schemes: dict[int, Scheme]) -> ScoreView | None:
    """A score with the band of the scheme version it was made under, never rescored."""
    if fact is None:
        return None
    return ScoreView(
        fact.likelihood,
        fact.impact,
        fact.score,
        schemes[fact.scheme_version].band_for(fact.score),
        fact.scheme_version,
    )


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
    inherent, current, target = (score_view(scores.get(k), schemes) for k in KINDS)
    return row_from_views(
        risk,
        inherent,
        current,
        target,
        score_view(baseline, schemes),
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
) -> RegisterRow:
    """A register row and its flags from scores already banded (live, or from a snapshot)."""
    is_open = risk.status == "open"
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
        review_overdue=is_open and risk.next_review is not None and risk.next_review < today,
        past_target=is_open
        and risk.target_date is not None
        and risk.target_date < today
        and current is not None
        and target is not None
        and current.score > target.score,
        above_appetite=risk.appetite is not None
        and current is not None
        and current.score > risk.appetite,
    )


KINDS = ("inherent", "current", "target")


def register_as_at(
    risks: Iterable[RiskFact],
    assessments: Iterable[ScoreFact],
    schemes: dict[int, Scheme],
    at: datetime,
    baseline_at: datetime | None = None,
) -> list[RegisterRow]:
    """The register as it stood at `at`: risks open then, with their scores then.

    `baseline_at` is when the register was last agreed; without one, the direction of travel
    compares with each risk's previous current assessment."""
    assessments = list(assessments)
    latest = latest_scores(assessments, at)
    baselines = (
        latest_scores(assessments, baseline_at)
        if baseline_at
        else previous_currents(assessments, at)
    )
    rows = []
    for risk in risks:
        if not open_at(risk, at):
            continue
        scores = {kind: latest[(risk.id, kind)] for kind in KINDS if (risk.id, kind) in latest}
        baseline = baselines.get((risk.id, "current"))
        rows.append(build_row(risk, scores, baseline, schemes, at.date()))
    return sort_rows(rows)


def previous_currents(
    assessments: Iterable[ScoreFact], at: datetime
) -> dict[tuple[int, str], ScoreFact]:
    """Each risk's second-latest current assessment at `at`: the baseline before any meeting."""
    by_risk: dict[int, list[ScoreFact]] = {}
    for fact in assessments:
        if fact.kind == "current" and fact.created_at <= at:
            by_risk.setdefault(fact.risk_id, []).append(fact)
    previous = {}
    for risk_id, facts in by_risk.items():
        facts.sort(key=lambda f: (f.created_at, f.id))
        if len(facts) > 1:
            previous[(risk_id, "current")] = facts[-2]
    return previous


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
    rows: Iterable[RegisterRow], basis: str = "current"
) -> dict[tuple[int, int], list[RegisterRow]]:
    """The register on the 5 x 5 grid: (likelihood, impact) -> the rows scored there on
    `basis` ("inherent", "current" or "target"), highest score first as the register orders
    them. Every cell is present, empty or not; a row not scored on that basis is left out."""
    if basis not in KINDS:
        raise ValueError(f"basis must be one of {', '.join(KINDS)}")
    cells: dict[tuple[int, int], list[RegisterRow]] = {
        (likelihood, impact): [] for likelihood in LEVELS for impact in LEVELS
    }
    for row in rows:
        view = getattr(row, basis)
        if view is not None:
            cells[(view.likelihood, view.impact)].append(row)
    return cells
