"""What is due by a date: reviews, risks reviewed at every meeting, actions, challenge
responses; and the next meeting. The meeting page, the dashboard and the `reviews due` and
`reviews notify` commands all use these."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from riskreg import clock, domain
from riskreg.challenges.reporting import ChallengeLine, awaiting_response
from riskreg.extensions import db
from riskreg.models import Action, Meeting, Risk
from riskreg.readmodel import action_open_sql, register_rows
from riskreg.register.actions import action_order


def days_until(meeting: Meeting, today: date | None = None) -> int:
    return (meeting.held_on - (today or clock.today())).days


def countdown(meeting: Meeting, today: date | None = None) -> str:
    """ "today", "tomorrow" or "in N days"."""
    days = days_until(meeting, today)
    return {0: "today", 1: "tomorrow"}.get(days, f"in {days} days")


@dataclass(frozen=True)
class DueAction:
    id: int
    risk_id: int
    ref: str
    risk_title: str
    owner_email: str
    description: str
    owner: str
    due_on: date
    overdue: bool


@dataclass(frozen=True)
class DueList:
    by: date
    today: date
    reviews: list[domain.RegisterRow]  # next review on or before `by`, soonest first
    every_meeting: list[domain.RegisterRow]  # band reviewed at every meeting, not in `reviews`
    actions: list[DueAction]  # not complete, due on or before `by`, soonest first
    past_target: list[domain.RegisterRow]
    # An indicator they bear on moved beyond a threshold since their latest rescore.
    indicator_moved: list[domain.RegisterRow]
    # Challenges waiting for their agency's response, due on or before `by`, soonest first.
    challenges: list[ChallengeLine]
    # The board's decision on them is due for review (its look-again date passed, or outgrown).
    decisions_due: list[domain.RegisterRow] = ()

    @property
    def overdue_reviews(self) -> list[domain.RegisterRow]:
        return [row for row in self.reviews if row.review_overdue]

    @property
    def overdue_actions(self) -> list[DueAction]:
        return [action for action in self.actions if action.overdue]

    @property
    def overdue_challenges(self) -> list[ChallengeLine]:
        return [line for line in self.challenges if line.overdue]

    @property
    def empty(self) -> bool:
        return not (
            self.reviews
            or self.every_meeting
            or self.actions
            or self.past_target
            or self.indicator_moved
            or self.challenges
            or self.decisions_due
        )


def due_by(meeting: Meeting, today: date | None = None) -> DueList:
    """What should be reviewed or done before `meeting` (overdue items included)."""
    return due_before(meeting.held_on, today)


def due_before(
    by: date, today: date | None = None, rows: list[domain.RegisterRow] | None = None
) -> DueList:
    """Open risks whose review falls due on or before `by`, those in a band reviewed at every
    meeting, open actions due by then, risks past their target date, and challenges whose
    response is due by then. Fixed statements; pass the open register's `rows` when the page
    already has them."""
    today = today or clock.today()
    rows = register_rows(today=today) if rows is None else rows
    reviews = sorted(
        (r for r in rows if r.risk.next_review is not None and r.risk.next_review <= by),
        key=lambda r: (r.risk.next_review, r.ref),
    )
    # Listed even when their review date is in `reviews` too: the board looks at every one.
    every_meeting = [
        r
        for r in rows
        if r.current is not None and r.current.band.review_months == domain.EVERY_MEETING
    ]
    actions = [
        DueAction(
            action.id,
            action.risk_id,
            ref,
            title,
            email,
            action.description,
            action.owner,
            action.due_on,
            domain.action_overdue_on(action.status, action.completed_on, action.due_on, today),
        )
        for action, ref, title, email in db.session.execute(
            select(Action, Risk.ref, Risk.title, Risk.owner_email)
            .join(Risk, Risk.id == Action.risk_id)
            .where(
                Risk.status == "open",
                action_open_sql(today),
                Action.due_on.is_not(None),
                Action.due_on <= by,
            )
            .order_by(*action_order(Risk.ref))
        )
    ]
    return DueList(
        by=by,
        today=today,
        reviews=reviews,
        every_meeting=every_meeting,
        actions=actions,
        past_target=[r for r in rows if r.past_target],
        indicator_moved=[r for r in rows if r.indicator_moved],
        challenges=awaiting_response(by, today),
        decisions_due=[r for r in rows if r.decision_due],
    )
