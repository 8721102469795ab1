"""How dates are written, in every page, document, message and audit summary: "1 December 2026"
(and, where a table column is narrow, "1 Dec 2026"), never zero-padded; and how a date typed or
stored as text is read."""

import re
from datetime import date, datetime

# A date as text: ISO, as links, bookmarks, exports and the audit trail write it (2027-03-31), or
# the UK way (31/03/2027, its day and month of one or two digits).
ISO_DATE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
UK_DATE = re.compile(r"([0-9]{1,2})/([0-9]{1,2})/([0-9]{4})")


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


def date_parts(day: date) -> list[str]:
    """A date as the three boxes of a date input show it: day, month and year, not zero-padded."""
    return [str(day.day), str(day.month), str(day.year)]


class NotADate(ValueError):
    """Text that is not written as a date at all (rather than a day that does not exist)."""


def date_from_parts(day: str, month: str, year: str) -> date:
    """The one reader of a date: its day and month (one or two digits) and year (four), as a date
    input's boxes or a date's text give them. NotADate when they are not written so,
    ValueError when they name no real day (30 2 2027)."""
    if not (
        re.fullmatch(r"[0-9]{1,2}", day)
        and re.fullmatch(r"[0-9]{1,2}", month)
        and re.fullmatch(r"[0-9]{4}", year)
    ):
        raise NotADate(f"not a date: {day} {month} {year}")
    return date(int(year), int(month), int(day))


def parse_date(text: str, *, uk: bool = True) -> date:
    """A date written as text: ISO, or (unless `uk` is False) the UK way. NotADate when it is
    written as neither, ValueError when it names no real day (2027-02-30)."""
    if found := ISO_DATE.fullmatch(text):
        year, month, day = found.groups()
    elif uk and (found := UK_DATE.fullmatch(text)):
        day, month, year = found.groups()
    else:
        raise NotADate(f"not a date: {text!r}")
    return date_from_parts(day, month, year)
