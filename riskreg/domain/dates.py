"""How dates are written, in every page, document, message and audit summary: "1 December 2026"
(and, where a table column is narrow, "1 Dec 2026"). Never zero-padded."""

from datetime import date, datetime


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def short_date(day: date) -> str:
    return f"{day.day} {day:%b %Y}"


def month_year(day: date) -> str:
    """A month on a chart's time axis: "Apr 2013"."""
    return f"{day:%b %Y}"


def clock_time(moment: datetime) -> str:
    """A moment already on the board's clock: "1 December 2026, 2:05pm"."""
    hour = moment.hour % 12 or 12
    return f"{long_date(moment)}, {hour}:{moment:%M}{'am' if moment.hour < 12 else 'pm'}"
