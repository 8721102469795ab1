"""The rules of a challenge's life (the README's "Challenges: holding partners to account"):
which step may follow which, when a response is overdue, and how a reporting year's challenges
are counted. Pure: no database."""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

RESPONSE_DAYS = 28  # the default time an agency has to respond

# The statuses a challenge may be in for each step to be taken. A challenge waits for its
# agency while open; the raiser may reword or withdraw it only until a response is recorded.
STEP_FROM = {
    "reword": ("open",),
    "withdraw": ("open",),
    "change_due": ("open",),
    "respond": ("open",),
    "close": ("open", "responded"),
    "reopen": ("closed",),
    "summarise": ("closed",),
}
LIVE = ("open", "responded")  # not yet closed or withdrawn: the register's "Open challenge"


def may(step: str, status: str) -> bool:
    return status in STEP_FROM[step]


def default_due(raised_on: date) -> date:
    return raised_on + timedelta(days=RESPONSE_DAYS)


def response_overdue(status: str, response_due: date, today: date) -> bool:
    """Still waiting for the agency's response after the day it was due."""
    return status == "open" and response_due < today


def due_words(status: str, response_due: date, today: date) -> str:
    """When the response is due, as the log and the risk page say it."""
    if status != "open":
        return ""
    days = (response_due - today).days
    if days < 0:
        return f"Overdue by {days_words(-days)}"
    if days == 0:
        return "Due today"
    return f"Due in {days_words(days)}"


def days_words(days: int) -> str:
    return "1 day" if days == 1 else f"{days} days"


@dataclass(frozen=True)
class ChallengeFact:
    """What the year's counts need of one challenge."""

    agency: str
    raised_on: date
    status: str
    outcome: str
    closed_on: date | None


@dataclass(frozen=True)
class YearCounts:
    raised: int
    by_agency: list[tuple[str, int]]  # most challenged first, then by name
    closed: int
    resolved: int
    escalated: int
    still_open: int  # raised in the year, not yet closed at its end


def year_counts(challenges: Iterable[ChallengeFact], start: date, end: date) -> YearCounts:
    """The challenges raised from `start` to `end` (a withdrawn one was never put to the
    agency, so it is not counted), and those closed in that time whenever raised."""
    facts = list(challenges)
    raised = [c for c in facts if start <= c.raised_on <= end and c.status != "withdrawn"]
    closed = [
        c
        for c in facts
        if c.status == "closed" and c.closed_on is not None and start <= c.closed_on <= end
    ]
    agencies = Counter(c.agency for c in raised)
    return YearCounts(
        raised=len(raised),
        by_agency=sorted(agencies.items(), key=lambda item: (-item[1], item[0].lower())),
        closed=len(closed),
        resolved=sum(c.outcome == "resolved" for c in closed),
        escalated=sum(c.outcome == "escalated" for c in closed),
        still_open=sum(
            c.status != "closed" or c.closed_on is None or c.closed_on > end for c in raised
        ),
    )


# Where a challenge may be escalated, as a sentence says it (vocabulary.ESCALATED_TO capitalises).
ESCALATED_WORDS = {"chair": "the independent chair", "partners": "the safeguarding partners"}


def outcome_words(outcome: str, escalated_to: str = "") -> str:
    """ "Resolved", "Escalated to the independent chair": a closed challenge's outcome as lists
    and the annual report say it (never who in person, which the report does not publish)."""
    if outcome == "escalated":
        to = ESCALATED_WORDS.get(escalated_to)
        return f"Escalated to {to}" if to else "Escalated"
    return "Resolved" if outcome == "resolved" else ""
