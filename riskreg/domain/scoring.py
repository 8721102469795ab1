"""Scoring: the scheme's levels and bands, scores, and when a risk is next reviewed."""

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cached_property
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

    @cached_property  # computed once per band, not once per tag
    def text_colour(self) -> str:
        """Black or white, whichever reads better on the band colour (WCAG contrast)."""
        return "#0b0c0c" if relative_luminance(self.colour) > 0.179 else "#ffffff"

    @cached_property
    def slug(self) -> str:
        return "".join(c if c.isalnum() else "-" for c in self.name.lower())

    @property
    def review_label(self) -> str:
        if self.review_months == EVERY_MEETING:
            return "every board meeting"
        return f"{self.review_months} month{'s' * (self.review_months != 1)}"


@dataclass(frozen=True)
class ScoreView:
    """A score with its band, under the scheme version it was made with."""

    likelihood: int
    impact: int
    score: int
    band: Band
    scheme_version: int


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

    def score_view(self, likelihood: int, impact: int) -> ScoreView:
        """A likelihood and impact scored under this version: the score with its band."""
        score = score_of(likelihood, impact)
        return ScoreView(likelihood, impact, score, self.band_for(score), self.version)


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
