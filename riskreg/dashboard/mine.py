"""Your risks and actions: what the signed-in person owns, matched by their email address.
Two statements, however much they own; drawn for each request, never cached by role."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from riskreg import domain
from riskreg.extensions import db
from riskreg.models import Action, Risk
from riskreg.readmodel import action_open_sql
from riskreg.register.actions import action_order


@dataclass(frozen=True)
class MyRisk:
    ref: str
    title: str
    next_review: date | None
    overdue: bool


@dataclass(frozen=True)
class MyAction:
    ref: str
    description: str
    due_on: date | None
    overdue: bool


@dataclass(frozen=True)
class Mine:
    risks: list[MyRisk]
    actions: list[MyAction]

    def __bool__(self) -> bool:
        return bool(self.risks or self.actions)


def owned_by(email: str, today: date) -> Mine:
    """The open risks and open actions (on open risks) whose owner's email is `email`, in any
    case; the overdue first, then by date."""
    email = email.strip().lower()
    risks = [
        MyRisk(ref, title, next_review, domain.review_overdue_on(next_review, today))
        for ref, title, next_review in db.session.execute(
            select(Risk.ref, Risk.title, Risk.next_review).where(
                Risk.status == "open", func.lower(Risk.owner_email) == email
            )
        )
    ]
    actions = [
        MyAction(
            ref,
            action.description,
            action.due_on,
            domain.action_overdue_on(action.status, action.completed_on, action.due_on, today),
        )
        for action, ref in db.session.execute(
            select(Action, Risk.ref)
            .join(Risk, Risk.id == Action.risk_id)
            .where(
                Risk.status == "open",
                action_open_sql(today),
                func.lower(Action.owner_email) == email,
            )
            .order_by(*action_order(Risk.ref))
        )
    ]
    risks.sort(key=lambda r: (not r.overdue, r.next_review is None, r.next_review, r.ref))
    actions.sort(key=lambda a: not a.overdue)  # then in the order actions are listed
    return Mine(risks, actions)
