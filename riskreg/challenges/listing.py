"""The challenge log: its filters from the query string, and the challenges they let through,
sorted by when a response is due. One statement for the log, one for a challenge's steps."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import case, func, select

from riskreg.domain import challenges as rules
from riskreg.extensions import db
from riskreg.models import Challenge, ChallengeStep, Risk
from riskreg.ui.forms import clean_line, positive_int

# The log's status filter; "open" is everything not yet closed or withdrawn.
STATUS_FILTERS = {
    "open": "Open",
    "overdue": "Response overdue",
    "responded": "Response received",
    "closed": "Closed",
    "escalated": "Escalated",
    "withdrawn": "Withdrawn",
    "all": "All",
}
REF_LIMIT = 16


@dataclass(frozen=True)
class Filters:
    status: str = "open"
    agency: int | None = None
    risk: str = ""  # a risk's ref

    @classmethod
    def from_args(cls, args) -> "Filters":
        status = args.get("status", "open")
        return cls(
            status=status if status in STATUS_FILTERS else "open",
            agency=positive_int(args.get("agency", "")),
            # A ref is letters, digits and a hyphen: anything else (a NUL, which PostgreSQL
            # refuses in a parameter) matches no risk.
            risk=clean_line(args.get("risk", "")).upper()[:REF_LIMIT],
        )

    @property
    def active(self) -> bool:
        return self.status != "open" or bool(self.agency or self.risk)

    def args(self) -> dict:
        """The query string that gives these filters (for the downloads' links)."""
        found = {"status": self.status, "agency": self.agency, "risk": self.risk}
        return {name: value for name, value in found.items() if value}


def response_overdue_sql(today: date):
    """The SQL twin of domain.challenges.response_overdue."""
    return (Challenge.status == "open") & (Challenge.response_due < today)


def conditions(filters: Filters, today: date) -> list:
    where = []
    status = filters.status
    if status == "open":
        where.append(Challenge.status.in_(rules.LIVE))
    elif status == "overdue":
        where.append(response_overdue_sql(today))
    elif status == "escalated":
        where += [Challenge.status == "closed", Challenge.outcome == "escalated"]
    elif status != "all":
        where.append(Challenge.status == status)
    if filters.agency:
        where.append(Challenge.agency_id == filters.agency)
    if filters.risk:
        where.append(Challenge.risk.has(Risk.ref == filters.risk))
    return where


def log(filters: Filters, today: date) -> list[Challenge]:
    """The challenges the filters let through, the soonest response due first."""
    return list(
        db.session.scalars(
            select(Challenge)
            .where(*conditions(filters, today))
            .order_by(Challenge.response_due, Challenge.id)
        )
    )


def of_risk(risk_id: int) -> list[Challenge]:
    """A risk's challenges: those still open first (the soonest due first), then the rest,
    the latest raised first."""
    live = Challenge.status.in_(rules.LIVE)
    return list(
        db.session.scalars(
            select(Challenge)
            .where(Challenge.risk_id == risk_id)
            .order_by(
                live.desc(),
                case((live, Challenge.response_due)),
                Challenge.raised_on.desc(),
                Challenge.id.desc(),
            )
        )
    )


def steps_of(challenge: Challenge) -> list[ChallengeStep]:
    return list(
        db.session.scalars(
            select(ChallengeStep)
            .where(ChallengeStep.challenge_id == challenge.id)
            .order_by(ChallengeStep.at, ChallengeStep.id)
        )
    )


def overdue_count(today: date) -> int:
    return db.session.scalar(select(func.count(Challenge.id)).where(response_overdue_sql(today)))
