"""Scoring: the scheme's levels and bands, scores, and when a risk is next reviewed."""

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any

# A scheme has 3 to 6 levels of likelihood and 3 to 6 of impact (they may differ: 6 x 4). The
# database takes any score of the widest; the services check each against the active scheme.
SIZES = range(3, 7)
LEVELS = range(1, SIZES[-1] + 1)
DEFAULT_SIZE = (5, 5)
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
    label: str = ""  # a short label the board uses for the level, such as "A"; else its number

    @property
    def shown(self) -> str:
        return self.label or str(self.value)


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

    @property
    def size(self) -> tuple[int, int]:
        """(likelihood levels, impact levels): (5, 5), (4, 4), (6, 4)..."""
        return len(self.likelihood), len(self.impact)

    @property
    def size_label(self) -> str:
        return size_label(*self.size)

    @property
    def max_score(self) -> int:
        return len(self.likelihood) * len(self.impact)

    @property
    def possible_scores(self) -> list[int]:
        return possible_scores(*self.size)

    def positions(self) -> list[tuple[int, int]]:
        """Every (likelihood, impact) of the grid."""
        return [(lk.value, im.value) for lk in self.likelihood for im in self.impact]

    def scoring_problem(self, likelihood: int, impact: int) -> str | None:
        """Why a likelihood and impact cannot be scored under this scheme, or None."""
        for name, value, levels in (("likelihood", likelihood, self.likelihood),
                                    ("impact", impact, self.impact)):  # fmt: skip
            if not (isinstance(value, int) and 1 <= value <= len(levels)):
                return f"The {name} must be a whole number from 1 to {len(levels)}"
        return None

    def band_for(self, score: int) -> Band:
        for band in self.bands:
            if band.min <= score <= band.max:
                return band
        raise ValueError(f"score {score} is in no band of scheme version {self.version}")

    def score_view(self, likelihood: int, impact: int) -> ScoreView:
        """A likelihood and impact scored under this version: the score with its band."""
        if problem := self.scoring_problem(likelihood, impact):
            raise ValueError(problem)
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
        raise ValueError(f"likelihood and impact must each be whole numbers 1 to {LEVELS[-1]}")
    return likelihood * impact


def size_label(likelihood_levels: int, impact_levels: int) -> str:
    """Likelihood levels × impact levels, such as "5 × 5"."""
    return f"{likelihood_levels} × {impact_levels}"


def possible_scores(likelihood_levels: int, impact_levels: int) -> list[int]:
    """The scores a matrix of this size can give; bands need to cover only these (on 5 x 5, 7
    is no likelihood x impact)."""
    return sorted(
        {lk * im for lk in range(1, likelihood_levels + 1) for im in range(1, impact_levels + 1)}
    )


def band_problems(
    bands: Iterable[dict[str, Any]], size: tuple[int, int] = DEFAULT_SIZE
) -> list[str]:
    """What is wrong with a band table for a matrix of `size` (likelihood levels, impact
    levels): every possible score must fall in exactly one band."""
    bands = list(bands)
    problems = []
    highest = size[0] * size[1]
    for band in bands:
        if not 1 <= band["min"] <= band["max"] <= highest:
            problems.append(
                f"{band['name']}: the lowest and highest scores must run 1 to {highest}"
            )
    for score in possible_scores(*size):
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
