"""The performance data set as plain data: periods (months, financial quarters, financial
years), how a year's figure is formed from its periods, changes stated in words, and the
thresholds that make an indicator a key risk indicator."""

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from .years import FIRST_YEAR, ReportingYear, year_containing

MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip
PERIOD_KINDS = {"monthly": "month", "quarterly": "quarter", "yearly": "year"}
# Q1 is April to June: a financial year's quarters start in these months.
QUARTER_STARTS = (4, 7, 10, 1)
LAST_YEAR = 2100
LARGEST_VALUE = 1e9  # no safeguarding figure comes near; beyond it a value is a typing slip


def _last_day(first: date, months: int) -> date:
    year, month = divmod(first.month - 1 + months, 12)
    return date(first.year + year, month + 1, 1) - timedelta(days=1)


@dataclass(frozen=True, order=True)
class Period:
    """A month, a financial quarter (Q1: April to June) or a financial year, by its first day."""

    start: date
    kind: str  # "month", "quarter" or "year"

    @property
    def months(self) -> int:
        return {"month": 1, "quarter": 3, "year": 12}[self.kind]

    @property
    def end(self) -> date:
        return _last_day(self.start, self.months)

    @property
    def year(self) -> ReportingYear:
        return year_containing(self.start)

    @property
    def quarter(self) -> int:
        return QUARTER_STARTS.index(self.start.month) + 1

    @property
    def code(self) -> str:
        """How the period is written in files and URLs: 2014-03, 2013-14 Q4, 2013-14."""
        if self.kind == "month":
            return f"{self.start.year}-{self.start.month:02d}"
        if self.kind == "quarter":
            return f"{self.year.label} Q{self.quarter}"
        return self.year.label

    @property
    def label(self) -> str:
        """How the period reads: March 2014, Q4 2013-14 (January to March 2014), 2013-14."""
        if self.kind == "month":
            return f"{MONTHS[self.start.month - 1]} {self.start.year}"
        if self.kind == "quarter":
            first, last = MONTHS[self.start.month - 1], MONTHS[self.end.month - 1]
            return f"Q{self.quarter} {self.year.label} ({first} to {last} {self.end.year})"
        return self.year.label

    @property
    def short_label(self) -> str:
        """For chart axes: Mar 2014, Q4 2013-14, 2013-14."""
        if self.kind == "month":
            return f"{MONTHS[self.start.month - 1][:3]} {self.start.year}"
        if self.kind == "quarter":
            return f"Q{self.quarter} {self.year.label}"
        return self.year.label

    def shifted(self, count: int) -> "Period":
        """The period `count` periods of its kind later (earlier when negative)."""
        months = self.start.year * 12 + self.start.month - 1 + count * self.months
        return Period(date(months // 12, months % 12 + 1, 1), self.kind)

    def previous(self) -> "Period":
        return self.shifted(-1)

    def a_year_before(self) -> "Period":
        return self.shifted(-12 // self.months)


def month(year: int, number: int) -> Period:
    return Period(date(year, number, 1), "month")


def quarter(year: ReportingYear, number: int) -> Period:
    start_month = QUARTER_STARTS[number - 1]
    return Period(date(year.first + (number == 4), start_month, 1), "quarter")


def financial_year(year: ReportingYear) -> Period:
    return Period(year.start, "year")


def periods_of_year(year: ReportingYear, kind: str) -> list[Period]:
    """The year's months (April first), quarters, or the year itself."""
    first = Period(year.start, kind) if kind != "quarter" else quarter(year, 1)
    return [first.shifted(n) for n in range(12 // first.months)]


MONTH_CODE = re.compile(r"(\d{4})-(\d{1,2})")
QUARTER_CODE = re.compile(r"(?:(\d{4}-\d{2})\s*Q([1-4])|Q([1-4])\s*(\d{4}-\d{2}))", re.I)
YEAR_CODE = re.compile(r"\d{4}-\d{2}")
MONTH_NAME = re.compile(r"([A-Za-z]+)\s+(\d{4})")


def _month_number(word: str) -> int | None:
    """March or Mar -> 3."""
    word = word.lower()
    return next((n for n, m in enumerate(MONTHS, 1) if word in (m.lower(), m[:3].lower())), None)


def _year(text: str) -> ReportingYear:
    first, second = int(text[:4]), int(text[5:])
    if second != (first + 1) % 100:
        raise ValueError(
            f"{text} is not a financial year: did you mean {ReportingYear(first).label}?"
        )
    return ReportingYear(first)


def parse_period(text: str | None) -> Period:
    """A period from how people write it: 2014-03 or March 2014 (a month), 2013-14 Q4 or
    Q4 2013-14 (a financial quarter), 2013-14 (a financial year). ValueError says why not."""
    text = " ".join((text or "").split())
    if not text:
        raise ValueError("Enter the period, like 2013-14 Q1, 2014-03 or 2013-14")
    if match := QUARTER_CODE.fullmatch(text):
        year = _year(match[1] or match[4])
        period = quarter(year, int(match[2] or match[3]))
    elif YEAR_CODE.fullmatch(text) and int(text[5:]) == (int(text[:4]) + 1) % 100:
        period = financial_year(_year(text))
    elif match := MONTH_CODE.fullmatch(text):
        number = int(match[2])
        if not 1 <= number <= 12:
            raise ValueError(
                f"{text} is neither a month (like 2014-03) nor a financial year (like 2013-14)"
            )
        period = month(int(match[1]), number)
    elif (match := MONTH_NAME.fullmatch(text)) and (number := _month_number(match[1])):
        period = month(int(match[2]), number)
    else:
        raise ValueError(f"{text} is not a period: write it like 2013-14 Q1, 2014-03 or 2013-14")
    if not FIRST_YEAR <= period.start.year <= LAST_YEAR:
        raise ValueError(f"Enter a period between {FIRST_YEAR} and {LAST_YEAR}")
    return period


def periods_allowed(frequency: str, year_rule: str) -> tuple[str, ...]:
    """The kinds of period an indicator takes values for: its frequency's, and the year as
    well when the year's figure is entered as published."""
    kind = PERIOD_KINDS[frequency]
    if year_rule == "entered" and kind != "year":
        return (kind, "year")
    return (kind,)


def period_problem(period: Period, frequency: str, year_rule: str, today: date) -> str | None:
    """Why an indicator cannot take a value for the period, or None."""
    allowed = periods_allowed(frequency, year_rule)
    if period.kind not in allowed:
        names = {"month": "a month", "quarter": "a quarter", "year": "a financial year"}
        return f"This indicator takes values for {' or '.join(names[k] for k in allowed)}"
    if period.start > today:
        return f"{period.label} has not started yet"
    return None


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
