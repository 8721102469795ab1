"""Changing challenges: each step checks it may follow the challenge's status and that nobody
saved the challenge since the form was opened, then changes the row, appends its step and is
audited. The caller commits."""

from dataclasses import dataclass
from datetime import date, datetime

from riskreg import audit
from riskreg.clock import now_utc
from riskreg.domain import challenges as rules
from riskreg.extensions import db
from riskreg.models import Challenge, ChallengeStep


class StaleChallenge(Exception):
    """Someone saved the challenge since the form was opened."""


class StepNotAllowed(Exception):
    """The step cannot follow the challenge's status (closed twice, reworded after a response)."""


@dataclass(frozen=True)
class NewChallenge:
    agency_id: int
    risk_id: int | None
    question: str
    raised_on: date
    response_due: date


@dataclass(frozen=True)
class Outcome:
    outcome: str  # "resolved" or "escalated"
    note: str  # how it was resolved, or why it was escalated
    closed_on: date
    escalated_to: str = ""  # "chair" or "partners" when escalated
    escalated_whom: str = ""


# What the audit trail shows of a challenge.
AUDITED = (
    "agency", "risk", "question", "raised_on", "response_due", "status", "response",
    "response_on", "outcome", "escalated_to", "escalated_whom", "outcome_note", "closed_on",
    "summary",
)  # fmt: skip


def _audited(challenge: Challenge) -> dict:
    values = {name: getattr(challenge, name) for name in AUDITED[2:]}
    values["agency"] = challenge.agency.name if challenge.agency else None
    values["risk"] = challenge.risk.ref if challenge.risk else None
    return values


def raise_challenge(
    new: NewChallenge, *, user_id: int | None = None, at: datetime | None = None
) -> Challenge:
    challenge = Challenge(
        agency_id=new.agency_id,
        risk_id=new.risk_id,
        question=new.question,
        raised_on=new.raised_on,
        response_due=new.response_due,
        raised_by_id=user_id if user_id is not None else audit.acting_user_id(),
        created_at=at or now_utc(),
    )
    db.session.add(challenge)
    db.session.flush()
    db.session.refresh(challenge, ["agency", "risk"])
    _append(
        challenge, "raised", by_id=challenge.raised_by_id, at=at, text=new.question,
        on_date=new.raised_on,
    )  # fmt: skip
    audit.record(
        "challenge",
        challenge.id,
        "create",
        audit.diff({}, _audited(challenge)),
        risk_id=challenge.risk_id,
        summary=f"Raised challenge {challenge.id} to {challenge.agency.name}",
        user_id=user_id,
        at=at,
    )
    return challenge


def reword(
    challenge: Challenge,
    question: str,
    *,
    expected_version: int | None = None,
    at: datetime | None = None,
):
    """The raiser corrects the wording; the earlier wording stays in the steps."""
    _take(
        challenge, "reword", "reworded", expected_version, at, {"question": question}, text=question
    )


def withdraw(
    challenge: Challenge,
    reason: str,
    *,
    expected_version: int | None = None,
    at: datetime | None = None,
):
    _take(
        challenge,
        "withdraw",
        "withdrawn",
        expected_version,
        at,
        {"status": "withdrawn"},
        text=reason,
    )


def change_due(
    challenge: Challenge,
    due: date,
    reason: str,
    *,
    expected_version: int | None = None,
    at: datetime | None = None,
):
    _take(
        challenge, "change_due", "due_changed", expected_version, at, {"response_due": due},
        text=reason, on_date=due,
    )  # fmt: skip


def record_response(
    challenge: Challenge,
    response: str,
    received_on: date,
    *,
    expected_version: int | None = None,
    at: datetime | None = None,
):
    _take(
        challenge, "respond", "responded", expected_version, at,
        {"status": "responded", "response": response, "response_on": received_on},
        text=response, on_date=received_on,
    )  # fmt: skip


def close(
    challenge: Challenge,
    outcome: Outcome,
    *,
    expected_version: int | None = None,
    at: datetime | None = None,
):
    escalated = outcome.outcome == "escalated"
    to = outcome.escalated_to if escalated else ""
    whom = outcome.escalated_whom if escalated else ""
    _take(
        challenge, "close", "closed", expected_version, at,
        {
            "status": "closed", "outcome": outcome.outcome, "escalated_to": to,
            "escalated_whom": whom, "outcome_note": outcome.note, "closed_on": outcome.closed_on,
        },
        text=outcome.note, on_date=outcome.closed_on, outcome=outcome.outcome,
        escalated_to=to, escalated_whom=whom,
    )  # fmt: skip


def reopen(
    challenge: Challenge,
    reason: str,
    response_due: date,
    *,
    expected_version: int | None = None,
    at: datetime | None = None,
):
    """Back to waiting for the agency; the outcome it had stays in the steps."""
    _take(
        challenge, "reopen", "reopened", expected_version, at,
        {
            "status": "open", "outcome": "", "escalated_to": "", "escalated_whom": "",
            "outcome_note": "", "closed_on": None, "response_due": response_due,
        },
        text=reason, on_date=response_due,
    )  # fmt: skip


def summarise(
    challenge: Challenge,
    summary: str,
    *,
    expected_version: int | None = None,
    at: datetime | None = None,
):
    """A manager's words for the annual report (empty: not published)."""
    _take(
        challenge,
        "summarise",
        "summarised",
        expected_version,
        at,
        {"summary": summary},
        text=summary,
    )


SUMMARIES = {
    "reworded": "Reworded",
    "withdrawn": "Withdrew",
    "due_changed": "Changed the response date of",
    "responded": "Recorded the response to",
    "closed": "Closed",
    "reopened": "Reopened",
    "summarised": "Wrote the published summary of",
}


def _take(
    challenge: Challenge,
    step: str,
    kind: str,
    expected_version: int | None,
    at: datetime | None,
    changes: dict,
    **recorded,
) -> None:
    if expected_version is not None and challenge.version != expected_version:
        raise StaleChallenge()
    if not rules.may(step, challenge.status):
        raise StepNotAllowed(step)
    before = _audited(challenge)
    for name, value in changes.items():
        setattr(challenge, name, value)
    db.session.flush()
    _append(challenge, kind, at=at, **recorded)
    audit.record(
        "challenge",
        challenge.id,
        step,
        audit.diff(before, _audited(challenge)),
        risk_id=challenge.risk_id,
        summary=f"{SUMMARIES[kind]} challenge {challenge.id} to {challenge.agency.name}",
        at=at,
    )


def _append(
    challenge: Challenge,
    kind: str,
    by_id: int | None = None,
    at: datetime | None = None,
    **recorded,
) -> None:
    db.session.add(
        ChallengeStep(
            challenge_id=challenge.id,
            kind=kind,
            at=at or now_utc(),
            by_id=by_id if by_id is not None else audit.acting_user_id(),
            **recorded,
        )
    )
