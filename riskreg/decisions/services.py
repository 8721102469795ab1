"""Recording the board's decisions on a risk, and reading them: one risk's, latest first, and
the treatment of many risks at once (one statement however many)."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from riskreg import audit, domain
from riskreg.clock import now_utc
from riskreg.extensions import db
from riskreg.models import Agency, Decision, Meeting, Risk, RiskScores, User

AUDITED = ("treatment", "transfer_agency_id", "transfer_to", "reason", "meeting_id", "taken_on",
           "look_again_on", "score")  # fmt: skip


def record_decision(
    risk: Risk,
    *,
    treatment: str,
    reason: str,
    taken_on: date,
    meeting_id: int | None = None,
    look_again_on: date | None = None,
    transfer_agency_id: int | None = None,
    transfer_to: str = "",
    at: datetime | None = None,
) -> Decision:
    """The board's decision on `risk`, kept with the risk's current score as it stands now;
    audited. The form has checked the dates, the meeting and the agency."""
    scores = db.session.get(RiskScores, risk.id)
    decision = Decision(
        risk_id=risk.id,
        treatment=treatment,
        reason=reason,
        taken_on=taken_on,
        meeting_id=meeting_id,
        look_again_on=look_again_on,
        transfer_agency_id=transfer_agency_id if treatment == "transfer" else None,
        transfer_to=transfer_to if treatment == "transfer" else "",
        likelihood=scores.current_likelihood if scores else None,
        impact=scores.current_impact if scores else None,
        score=scores.current_score if scores else None,
        scheme_version=scores.current_scheme_version if scores else None,
        created_at=at or now_utc(),
        created_by_id=audit.acting_user_id(),
    )
    db.session.add(decision)
    db.session.flush()
    audit.record(
        "decision",
        decision.id,
        "add",
        audit.diff({}, {name: getattr(decision, name) for name in AUDITED}),
        risk_id=risk.id,
        summary=f"{risk.ref}: {domain.TREATMENTS[treatment].lower()} ({reason})",
        at=at,
    )
    return decision


@dataclass(frozen=True)
class DecisionView:
    """A decision as the risk page lists it."""

    treatment: str
    words: str  # "Tolerate until 31 March 2027"
    reason: str
    taken_on: date
    where: str  # "Board meeting, 3 March 2026" or "Chair's action"
    score: int | None
    recorded_by: str
    recorded_at: object


BY_RISK = (Risk.section_id, Risk.number, Decision.id)


def _decisions(*conditions, order=None) -> list[tuple[str, str, DecisionView]]:
    """(risk ref, risk title, the decision) for the decisions `conditions` choose, latest first
    unless `order` says otherwise: one statement."""
    recorder = aliased(User)
    rows = db.session.execute(
        select(Decision, Risk.ref, Risk.title, Agency.name, Meeting.title, recorder.name)
        .join(Risk, Risk.id == Decision.risk_id)
        .outerjoin(Agency, Agency.id == Decision.transfer_agency_id)
        .outerjoin(Meeting, Meeting.id == Decision.meeting_id)
        .outerjoin(recorder, recorder.id == Decision.created_by_id)
        .where(*conditions)
        .order_by(*(order or (Decision.id.desc(),)))
    )
    return [
        (
            ref,
            title,
            DecisionView(
                treatment=d.treatment,
                words=domain.treatment_words(d.treatment, agency or d.transfer_to, d.look_again_on),
                reason=d.reason,
                taken_on=d.taken_on,
                where=f"{meeting}, {domain.long_date(d.taken_on)}" if meeting else "Chair's action",
                score=d.score,
                recorded_by=name or "",
                recorded_at=d.created_at,
            ),
        )
        for d, ref, title, agency, meeting, name in rows
    ]


def decisions_of(risk_id: int) -> list[DecisionView]:
    """A risk's decisions, latest first: the first is its treatment."""
    return [view for _, _, view in _decisions(Decision.risk_id == risk_id)]


def decisions_at(meeting_id: int):
    """The decisions a meeting took, by risk: (ref, title, decision)."""
    return _decisions(Decision.meeting_id == meeting_id, order=BY_RISK)


def decisions_between(since: datetime | None, until: datetime):
    """The decisions recorded after `since` (None: ever) up to `until`, by risk, oldest first:
    (ref, title, decision)."""
    window = [Decision.created_at <= until]
    if since is not None:
        window.append(Decision.created_at > since)
    return _decisions(*window, order=BY_RISK)


def treatments_of(risk_ids: list[int]) -> dict[int, str]:
    """Each risk's treatment in words (its latest decision's), for those that have one: one
    statement."""
    if not risk_ids:
        return {}
    latest = (
        select(func.max(Decision.id))
        .where(Decision.risk_id.in_(risk_ids))
        .group_by(Decision.risk_id)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(Decision.risk_id, Decision.treatment, Agency.name, Decision.transfer_to,
               Decision.look_again_on)
        .outerjoin(Agency, Agency.id == Decision.transfer_agency_id)
        .where(Decision.id.in_(latest))
    )  # fmt: skip
    return {
        risk_id: domain.treatment_words(treatment, agency or to, until)
        for risk_id, treatment, agency, to, until in rows
    }
