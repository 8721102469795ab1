"""Reporting years: the UK financial year, 1 April to 31 March, that annual reports cover."""

import re
from dataclasses import dataclass
from datetime import date

YEAR_PATTERN = re.compile(r"(\d{4})-(\d{2})")
FIRST_YEAR = 1990


@dataclass(frozen=True, order=True)
class ReportingYear:
    """A UK financial year: 1 April to 31 March."""

    first: int  # the calendar year it starts in

    @property
    def start(self) -> date:
        return date(self.first, 4, 1)

    @property
    def end(self) -> date:
        return date(self.first + 1, 3, 31)

    @property
    def label(self) -> str:
        return f"{self.first}-{(self.first + 1) % 100:02d}"

    def scored_at(self, today: date) -> date:
        """The year's end, or today for the year still running."""
        return min(self.end, today)


def year_containing(day: date) -> ReportingYear:
    return ReportingYear(day.year if day >= date(day.year, 4, 1) else day.year - 1)


def last_complete_year(today: date) -> ReportingYear:
    return ReportingYear(year_containing(today).first - 1)


def parse_year(text: str | None, today: date) -> ReportingYear:
    """`2013-14` -> that year; None or "" -> the last complete one. ValueError says why not."""
    if not text:
        return last_complete_year(today)
    text = text.strip()
    match = YEAR_PATTERN.fullmatch(text)
    if not match:
        raise ValueError("Enter the reporting year as a financial year, like 2013-14")
    first = int(match[1])
    if int(match[2]) != (first + 1) % 100:
        raise ValueError(
            f"{text} is not a financial year: did you mean {ReportingYear(first).label}?"
        )
    if first > year_containing(today).first:
        raise ValueError(f"The {text} reporting year has not started yet")
    if first < FIRST_YEAR:
        raise ValueError(f"Enter a reporting year from {ReportingYear(FIRST_YEAR).label} onwards")
    return ReportingYear(first)
