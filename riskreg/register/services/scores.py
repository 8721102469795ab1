"""A risk's scores: assessments are appended, never rewritten, and the projection of the latest
scores follows every one written."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select

from riskreg import audit, clock, domain
from riskreg.clock import now_utc
from riskreg.domain.dates import long_date
from riskreg.extensions import db
from riskreg.models import Assessment, Review, Risk, RiskScores, ScoringScheme
from riskreg.readmodel import (
    active_scheme,
    active_scheme_row,
    next_meeting,
    refresh_scores,
    scheme_from_row,
)

from .locking import check_version, lock_risks, mark_changed


@dataclass(frozen=True)
class Scoring:
    likelihood: int
    impact: int

    @property
    def score(self) -> int:
        return domain.score_of(self.likelihood, self.impact)


def suggested_review(score: int, on: date) -> date:
    """The next review date the band's interval gives for a score made on `on`."""
    band = active_scheme().band_for(score)
    meeting = next_meeting(on)
    return domain.review_due(on, band, meeting.held_on if meeting else None)


def add_assessments(
    risk: Risk,
    scores: dict[str, Scoring],
    rationale: str,
    *,
    meeting_id: int | None = None,
    user_id: int | None = None,
    at: datetime | None = None,
) -> list[Assessment]:
    """Append one assessment per kind given: history is never rewritten. Every score written
    comes through here (or record_under_scheme, for many risks at once), so this is where the
    projection of the latest scores follows."""
    lock_risks([risk.id])
    added = _append_assessments(
        risk,
        scores,
        rationale,
        active_scheme_row(),
        meeting_id=meeting_id,
        user_id=user_id,
        at=at or now_utc(),
    )
    refresh_scores([risk.id])
    return added


def record_under_scheme(changes: list[domain.BandChange]) -> int:
    """The latest scheme version adopted: each scoring whose band it changes is
    recorded again under it with the same likelihood and impact, so the present reads in one
    version. Closed risks and next-review dates are untouched. Returns how many were added."""
    scheme = active_scheme_row()
    at, rationale = now_utc(), f"Scoring scheme version {scheme.version} adopted"
    by_risk: dict[int, dict[str, Scoring]] = {}
    for change in changes:
        scoring = Scoring(change.scoring.likelihood, change.scoring.impact)
        by_risk.setdefault(change.row.risk.id, {})[change.kind] = scoring
    if by_risk:
        lock_risks(list(by_risk))
    risks = db.session.scalars(select(Risk).where(Risk.id.in_(by_risk))) if by_risk else []
    added = 0
    for risk in risks:
        added += len(_append_assessments(risk, by_risk[risk.id], rationale, scheme, at=at))
    if by_risk:
        refresh_scores(list(by_risk))
    return added


def _append_assessments(
    risk: Risk,
    scores: dict[str, Scoring],
    rationale: str,
    scheme: ScoringScheme,
    *,
    at: datetime,
    meeting_id: int | None = None,
    user_id: int | None = None,
) -> list[Assessment]:
    added = []
    under = scheme_from_row(scheme)
    for kind in domain.KINDS:
        if kind not in scores:
            continue
        scoring = scores[kind]
        if problem := under.scoring_problem(scoring.likelihood, scoring.impact):
            raise ValueError(f"{risk.ref} {kind}: {problem}")  # the forms refuse it first
        assessment = Assessment(
            risk_id=risk.id,
            kind=kind,
            likelihood=scoring.likelihood,
            impact=scoring.impact,
            score=scoring.score,
            scheme_id=scheme.id,
            rationale=rationale,
            meeting_id=meeting_id,
            created_at=at,
            created_by_id=user_id if user_id is not None else audit.acting_user_id(),
        )
        db.session.add(assessment)
        added.append(assessment)
    db.session.flush()
    for assessment in added:
        audit.record(
            "assessment",
            assessment.id,
            "score",
            {"kind": [None, assessment.kind], "score": [None, assessment.score]},
            risk_id=risk.id,
            summary=f"{risk.ref} {assessment.kind} scored {assessment.likelihood} × "
            f"{assessment.impact} = {assessment.score}: {rationale}",
            user_id=user_id,
            at=at,
        )
    return added


def rescore_risk(
    risk: Risk,
    scores: dict[str, Scoring],
    rationale: str,
    *,
    expected_version: int | None = None,
    meeting_id: int | None = None,
    next_review: date | None = None,
    user_id: int | None = None,
    at: datetime | None = None,
) -> list[Assessment]:
    """A rescore: new current and/or target scores with the reason, and the next review date."""
    lock_risks([risk.id])
    check_version(risk, expected_version)
    at = at or now_utc()
    added = add_assessments(risk, scores, rationale, meeting_id=meeting_id, user_id=user_id, at=at)
    if next_review is None and "current" in scores:
        next_review = suggested_review(scores["current"].score, clock.local_date(at))
    set_next_review(risk, next_review, at, user_id)
    mark_changed(risk, at)
    return added


def set_next_review(
    risk: Risk, next_review: date | None, at: datetime, user_id: int | None = None
) -> None:
    """The risk's next review date, audited when it changes (None: left as it is)."""
    if next_review is not None and next_review != risk.next_review:
        audit.record(
            "risk",
            risk.id,
            "update",
            audit.diff({"next_review": risk.next_review}, {"next_review": next_review}),
            risk_id=risk.id,
            summary=f"{risk.ref} next review set to {long_date(next_review)}",
            user_id=user_id,
            at=at,
        )
        risk.next_review = next_review


def record_review(
    risk: Risk,
    reviewed_on: date,
    note: str,
    *,
    expected_version: int | None = None,
    at: datetime | None = None,
) -> Review:
    """A review that keeps the scores: kept with its note, and the next review date set from
    the current score's band as a rescore sets it. Audited."""
    lock_risks([risk.id])
    check_version(risk, expected_version)
    at = at or now_utc()
    review = Review(risk_id=risk.id, reviewed_on=reviewed_on, note=note, created_at=at,
                    created_by_id=audit.acting_user_id())  # fmt: skip
    db.session.add(review)
    db.session.flush()
    audit.record(
        "review",
        review.id,
        "add",
        audit.diff({}, {"reviewed_on": reviewed_on, "note": note}),
        risk_id=risk.id,
        summary=f"{risk.ref} reviewed: no change",
        at=at,
    )
    current = db.session.get(RiskScores, risk.id)
    if current is not None and current.current_score is not None:
        set_next_review(risk, suggested_review(current.current_score, reviewed_on), at)
    mark_changed(risk, at)
    return review
