"""Where challenges show beyond their own pages: since the last meeting and the meeting pack,
what is due by the next meeting and its reminders, and the annual report. Queries only, one
statement each; the rules are domain.challenges'."""

from dataclasses import dataclass
from datetime import date, datetime

from flask import url_for
from sqlalchemy import or_, select

from riskreg.domain import challenges as rules
from riskreg.domain.vocabulary import ESCALATED_TO
from riskreg.domain.words import shorten
from riskreg.extensions import db
from riskreg.models import Agency, Challenge, ChallengeStep


@dataclass(frozen=True)
class ChallengeLine:
    """One challenge as a list shows it: the board's own pages, never the published report."""

    id: int
    agency: str
    risk_ref: str  # "" when it is not about a risk
    risk_title: str
    question: str
    raised_on: date
    response_due: date
    status: str
    on: date | None = None  # the day of the step listed: raised, response received or closed
    outcome: str = ""
    escalated_to: str = ""
    escalated_whom: str = ""
    overdue: bool = False  # waiting for a response that was due before the day judged at

    @property
    def href(self) -> str:
        return url_for("challenges.view", challenge_id=self.id)

    @property
    def short_question(self) -> str:
        return shorten(self.question)

    @property
    def outcome_words(self) -> str:
        return rules.outcome_words(self.outcome, self.escalated_to)

    @property
    def escalated_words(self) -> str:
        """ "The independent chair (Cllr Jones)": to whom it was escalated."""
        to = ESCALATED_TO.get(self.escalated_to, "")
        if self.escalated_whom:
            return f"{to} ({self.escalated_whom})" if to else self.escalated_whom
        return to


def line_of(challenge: Challenge, **step) -> ChallengeLine:
    risk = challenge.risk
    return ChallengeLine(
        id=challenge.id,
        agency=challenge.agency.name,
        risk_ref=risk.ref if risk else "",
        risk_title=risk.title if risk else "",
        question=challenge.question,
        raised_on=challenge.raised_on,
        response_due=challenge.response_due,
        status=challenge.status,
        **step,
    )


@dataclass(frozen=True)
class ChallengeChanges:
    """Since the last meeting: the challenges' steps between the two registers, and the
    responses overdue on the day judged at."""

    raised: list[ChallengeLine]
    responded: list[ChallengeLine]
    closed: list[ChallengeLine]  # resolved and escalated, each with its outcome
    overdue: list[ChallengeLine]
    overdue_on: date

    @property
    def escalated(self) -> list[ChallengeLine]:
        return [line for line in self.closed if line.outcome == "escalated"]


LISTED_STEPS = ("raised", "responded", "closed")


def changes_between(since: datetime | None, until: datetime, today: date) -> ChallengeChanges:
    """The challenges raised, answered and closed after `since` (None: ever) up to `until`, by
    the steps recorded then (a challenge closed twice in the window is listed once, as it was
    closed last), and those open on `today` whose response was due before it. Two
    statements."""
    window = ChallengeStep.kind.in_(LISTED_STEPS) & (ChallengeStep.at <= until)
    if since is not None:
        window &= ChallengeStep.at > since
    found: dict[str, dict[int, ChallengeLine]] = {kind: {} for kind in LISTED_STEPS}
    for step, challenge in db.session.execute(
        select(ChallengeStep, Challenge)
        .join(Challenge, Challenge.id == ChallengeStep.challenge_id)
        .where(window)
        .order_by(ChallengeStep.at, ChallengeStep.id)
    ):
        if step.kind == "raised" and challenge.status == "withdrawn":
            continue  # never put to the agency: not counted as raised (as the year's counts)
        found[step.kind][challenge.id] = line_of(
            challenge,
            on=step.on_date,
            outcome=step.outcome,
            escalated_to=step.escalated_to,
            escalated_whom=step.escalated_whom,
        )
    return ChallengeChanges(
        raised=list(found["raised"].values()),
        responded=list(found["responded"].values()),
        closed=list(found["closed"].values()),
        overdue=[line for line in awaiting_response(today, today) if line.overdue],
        overdue_on=today,
    )


def awaiting_response(by: date, today: date) -> list[ChallengeLine]:
    """Open challenges whose response is due on or before `by` (overdue ones included), the
    longest overdue first. One statement."""
    query = (
        select(Challenge)
        .where(Challenge.status == "open", Challenge.response_due <= by)
        .order_by(Challenge.response_due, Challenge.id)
    )
    return [
        line_of(
            challenge,
            overdue=rules.response_overdue(challenge.status, challenge.response_due, today),
        )
        for challenge in db.session.scalars(query)
    ]


# --- The annual report -----------------------------------------------------------------------


@dataclass(frozen=True)
class Published:
    """A closed challenge as the annual report may publish it: the manager's summary, the
    agency and the outcome. Nothing here holds the member's question or the agency's response:
    members' own words are never published unedited."""

    agency: str
    outcome: str
    escalated_to: str
    summary: str
    closed_on: date

    @property
    def outcome_words(self) -> str:
        return rules.outcome_words(self.outcome, self.escalated_to)


def year_challenges(start: date, end: date) -> tuple[list[rules.ChallengeFact], list[Published]]:
    """What the year's counts need of the challenges raised or closed from `start` to `end`,
    and those closed then with a summary for publication, oldest closure first. One statement,
    which reads no question, response or note."""
    closed_in = Challenge.closed_on.between(start, end)
    rows = db.session.execute(
        select(
            Agency.name,
            Challenge.raised_on,
            Challenge.status,
            Challenge.outcome,
            Challenge.escalated_to,
            Challenge.closed_on,
            Challenge.summary,
        )
        .join(Agency, Agency.id == Challenge.agency_id)
        .where(or_(Challenge.raised_on.between(start, end), closed_in))
        .order_by(Challenge.closed_on, Agency.name, Challenge.id)
    ).all()
    facts = [
        rules.ChallengeFact(agency, raised_on, status, outcome, closed_on)
        for agency, raised_on, status, outcome, _, closed_on, _ in rows
    ]
    published = [
        Published(agency, outcome, escalated_to, summary.strip(), closed_on)
        for agency, _, status, outcome, escalated_to, closed_on, summary in rows
        if status == "closed"
        and closed_on is not None
        and start <= closed_on <= end
        and summary.strip()
    ]
    return facts, published
