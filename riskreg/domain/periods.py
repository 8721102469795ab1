"""The data set's periods: months, financial quarters (Q1 is April to June) and financial
years, as codes and labels, read from what people write ("2025-26 Q1", "Q1 2025-26", "May
2025", "2025-05"), and which an indicator takes values for."""

import re
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
