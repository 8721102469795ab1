"""The performance data set as plain data: how a year's figure is formed from its periods,
values and changes stated in words, and the thresholds that make an indicator a key risk
indicator. Its periods are domain/periods.py's, named here too, so that the data set's rules
read as one (`rules.Period`, `rules.year_figure`)."""

import math
from collections.abc import Mapping
from dataclasses import dataclass

# The periods, read through this module by the data set's code.
from .periods import (  # noqa: F401
    MONTHS,
    PERIOD_KINDS,
    QUARTER_STARTS,
    Period,
    financial_year,
    month,
    parse_period,
    period_problem,
    periods_allowed,
    periods_of_year,
    quarter,
)
from .years import ReportingYear, year_containing  # noqa: F401 (read as rules.year_containing)

LARGEST_VALUE = 1e9  # no safeguarding figure comes near; beyond it a value is a typing slip


UNIT_WORDS = {"count": "", "percentage": "%", "rate": " per 10,000 children"}


def value_problem(value: float, unit: str) -> str | None:
    """Why a figure cannot be this indicator's value, or None."""
    if not math.isfinite(value):
        return "Enter the value as a number, like 1,798"
    if value < 0:
        return "The value cannot be negative"
    if abs(value) >= LARGEST_VALUE:
        return "The value is too large: check it"
    if unit == "count" and value != int(value):
        return "A count is a whole number"
    if unit == "percentage" and value > 100:
        return "A percentage is at most 100"
    if round(value, 2) != value:
        return "Enter the value with at most 2 decimal places"
    return None


def parse_value(text: str | None) -> float:
    """A figure as people type it ("2,368", "45.3", "12%"). ValueError says why not."""
    cleaned = (text or "").strip().replace(",", "").removesuffix("%").strip()
    if not cleaned:
        raise ValueError("Enter the value")
    try:
        value = float(cleaned)
    except ValueError:
        raise ValueError("Enter the value as a number, like 1,798") from None
    if not math.isfinite(value):
        raise ValueError("Enter the value as a number, like 1,798")
    return value


def number(value: float) -> str:
    """A figure as a sentence gives it, two decimals at most: 2368 -> "2,368"; 45.25 ->
    "45.25"; 45.5 -> "45.5"; 12.004 -> "12"."""
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def figure(value: float, unit: str) -> str:
    """A value with its unit: "2,368", "45.5%", "38.2 per 10,000 children"."""
    return f"{number(value)}{UNIT_WORDS[unit]}"


# --- A year's figure from its periods ---------------------------------------------------


@dataclass(frozen=True)
class YearFigure:
    year: ReportingYear
    value: float
    periods: int  # how many periods it is formed from
    expected: int  # how many a complete year has

    @property
    def complete(self) -> bool:
        return self.periods == self.expected


def year_figure(
    year: ReportingYear, frequency: str, year_rule: str, values: Mapping[Period, float]
) -> YearFigure | None:
    """The year's figure by the indicator's rule: the sum of its periods (flows), the value of
    its last period (stocks at 31 March) or the year's own value as published; None when the
    periods it needs are not there. A yearly indicator's figure is its year's value."""
    kind = PERIOD_KINDS[frequency]
    if kind == "year" or year_rule == "entered":
        own = values.get(financial_year(year))
        return None if own is None else YearFigure(year, own, 1, 1)
    periods = periods_of_year(year, kind)
    if year_rule == "end":
        last = values.get(periods[-1])
        return None if last is None else YearFigure(year, last, 1, 1)
    present = [values[p] for p in periods if p in values]
    if not present:
        return None
    return YearFigure(year, sum(present), len(present), len(periods))


# --- Change, in figures and words -------------------------------------------------------


@dataclass(frozen=True)
class Change:
    now: float
    before: float
    unit: str

    @property
    def difference(self) -> float:
        return round(self.now - self.before, 2)

    @property
    def direction(self) -> str:
        return "up" if self.difference > 0 else "down" if self.difference < 0 else "same"

    @property
    def percent(self) -> float | None:
        """The change as a percentage of the earlier figure (None from zero)."""
        if self.before == 0:
            return None
        return (self.now - self.before) / self.before * 100

    def amount(self) -> str:
        """ "32 %" for counts and rates; "2.5 percentage points" for a percentage, whose
        percentage change would mislead."""
        if self.unit == "percentage":
            points = abs(self.difference)
            return f"{number(points)} percentage point{'' if points == 1 else 's'}"
        if self.percent is None:
            return f"by {number(abs(self.difference))}"
        return f"{round(abs(self.percent)):,} %"

    def words(self, since: str) -> str:
        """'up 32 % from 1,798 in the previous year'; 'unchanged from 304 in the previous
        year'."""
        before = figure(self.before, self.unit)
        if self.direction == "same":
            return f"unchanged from {before} {since}"
        amount = self.amount()
        if self.percent is not None and amount == "0 %":
            amount = "less than 1 %"
        return f"{self.direction} {amount} from {before} {since}"


def change_between(now: float | None, before: float | None, unit: str) -> Change | None:
    if now is None or before is None:
        return None
    return Change(now, before, unit)


# --- Thresholds -------------------------------------------------------------------------

STATUSES = {
    "red": "Red",
    "amber": "Amber",
    "within": "Within thresholds",
    "none": "No thresholds",
    "no_value": "No value yet",
}


@dataclass(frozen=True)
class Thresholds:
    polarity: str  # "up_worse", "up_better" or "neither"
    amber: float | None = None
    red: float | None = None
    change_percent: float | None = None  # against the same period last year

    @property
    def any(self) -> bool:
        return self.has_levels or self.change_percent is not None

    @property
    def has_levels(self) -> bool:
        return self.polarity != "neither" and (self.amber is not None or self.red is not None)

    def past(self, value: float, limit: float | None) -> bool:
        """At or beyond a level, in the direction that is worse."""
        if limit is None or self.polarity == "neither":
            return False
        return value >= limit if self.polarity == "up_worse" else value <= limit

    def level(self, value: float) -> str:
        if self.past(value, self.red):
            return "red"
        if self.past(value, self.amber):
            return "amber"
        return "within" if self.any else "none"

    def adverse_change(self, change: Change | None) -> bool:
        """A move against the same period last year beyond the change threshold, in the worse
        direction (either direction where neither a rise nor a fall is worse)."""
        if self.change_percent is None or change is None or change.percent is None:
            return False
        moved = change.percent
        if self.polarity == "up_worse":
            return moved >= self.change_percent
        if self.polarity == "up_better":
            return -moved >= self.change_percent
        return abs(moved) >= self.change_percent


def thresholds_problem(t: Thresholds) -> dict[str, str]:
    """What is wrong with a set of thresholds, by field."""
    problems = {}
    if t.polarity == "neither" and (t.amber is not None or t.red is not None):
        problems["amber" if t.amber is not None else "red"] = (
            "Where neither a rise nor a fall is worse, use a change threshold instead of amber "
            "and red values"
        )
    elif t.amber is not None and t.red is not None:
        if t.polarity == "up_worse" and t.red < t.amber:
            problems["red"] = "Where a rise is worse, the red value is at or above the amber value"
        if t.polarity == "up_better" and t.red > t.amber:
            problems["red"] = "Where a rise is better, the red value is at or below the amber value"
    for name in ("amber", "red", "change_percent"):
        value = getattr(t, name)
        if value is not None and (not math.isfinite(value) or value < 0):
            problems[name] = "Enter a number of 0 or more"
    if t.change_percent is not None and t.change_percent == 0 and "change_percent" not in problems:
        problems["change_percent"] = "Enter a percentage above 0, or leave it empty"
    return problems


@dataclass(frozen=True)
class Status:
    """Where one value stands against its indicator's thresholds."""

    level: str  # one of STATUSES
    year_on_year: Change | None
    adverse_change: bool

    @property
    def alerting(self) -> bool:
        """Beyond the amber or red value, or moved adversely beyond the change threshold: the
        linked risks are flagged for review."""
        return self.level in ("red", "amber") or self.adverse_change

    @property
    def name(self) -> str:
        if self.level in ("within", "none") and self.adverse_change:
            way = "Rise" if self.year_on_year.direction == "up" else "Fall"
            return f"{way} beyond threshold"
        return STATUSES[self.level]

    @property
    def colour(self) -> str:
        """A tag colour (GOV.UK tag modifiers); the name is always shown with it."""
        if self.level == "red":
            return "red"
        if self.level == "amber" or self.adverse_change:
            return "orange"
        return "green" if self.level == "within" else "grey"


def status_of(value: float, a_year_before: float | None, unit: str, t: Thresholds) -> Status:
    change = change_between(value, a_year_before, unit)
    return Status(t.level(value), change, t.adverse_change(change))


def alerting_values(
    values: Mapping[Period, float], unit: str, t: Thresholds
) -> dict[Period, Status]:
    """The periods whose value is beyond a threshold, with where each stands."""
    if not t.any:
        return {}
    found = {}
    for period, value in values.items():
        status = status_of(value, values.get(period.a_year_before()), unit, t)
        if status.alerting:
            found[period] = status
    return found
