"""The score history: the append-only assessments ranked newest first, each risk's latest
scorings (`score_facts`), and the projection's columns computed from the history at any moment
(`scores_as_at`), which past views read and the projection is written from."""

from datetime import datetime

from sqlalchemy import case, func, select

from riskreg import clock, domain
from riskreg.extensions import db
from riskreg.models import Assessment, Risk, ScoringScheme

from .lookups import last_agreed_before

# The projection's scorings: the three kinds, and the current score the direction of travel
# compares with; each as these parts.
PROJECTED = (*domain.KINDS, "baseline")
SCORE_PARTS = ("id", "likelihood", "impact", "score", "scheme_version", "at")
PROJECTED_COLUMNS = ["risk_id"] + [f"{kind}_{part}" for kind in PROJECTED for part in SCORE_PARTS]


def _ranked_assessments(at: datetime | None, risk_ids, kinds=domain.KINDS):
    """Assessments made by `at` (None: all of them), numbered newest first within each (risk,
    kind)."""
    statement = (
        select(
            Assessment,
            ScoringScheme.version,
            func.row_number()
            .over(
                partition_by=(Assessment.risk_id, Assessment.kind),
                order_by=(Assessment.created_at.desc(), Assessment.id.desc()),
            )
            .label("rank"),
        )
        .join(ScoringScheme, ScoringScheme.id == Assessment.scheme_id)
        .where(Assessment.kind.in_(kinds))
    )
    if at is not None:
        statement = statement.where(Assessment.created_at <= at)
    if risk_ids is not None:
        statement = statement.where(Assessment.risk_id.in_(risk_ids))
    return statement.subquery()


def score_facts(at: datetime | None, risk_ids, kinds=domain.KINDS, rank: int = 1):
    """(risk id, kind) -> its assessment `rank` places from the latest made by `at` (1: the
    latest; `at` None: of all), for the given risk ids or id subquery (None: every risk): one
    statement."""
    ranked = _ranked_assessments(at, risk_ids, kinds)
    rows = db.session.execute(select(ranked).where(ranked.c.rank == rank))
    return {
        (r.risk_id, r.kind): domain.ScoreFact(
            id=r.id,
            risk_id=r.risk_id,
            kind=r.kind,
            likelihood=r.likelihood,
            impact=r.impact,
            score=r.score,
            scheme_version=r.version,
            created_at=r.created_at,
        )
        for r in rows
    }


def score_reasons(at: datetime | None, risk_ids) -> dict[int, tuple[datetime, str]]:
    """Risk id -> (when, why) of its latest current scoring made by `at` (None: of all), for the
    given risk ids: one statement."""
    ranked = _ranked_assessments(at, risk_ids, ("current",))
    rows = db.session.execute(
        select(ranked.c.risk_id, ranked.c.created_at, ranked.c.rationale).where(ranked.c.rank == 1)
    )
    return {risk_id: (created_at, rationale) for risk_id, created_at, rationale in rows}


def _pivot(ranked, rank: int, kinds, prefix_of):
    """One row per risk from ranked assessments: the `rank`th of each kind as the projection's
    columns (`prefix_of(kind)`_likelihood and so on)."""
    columns = []
    for kind in kinds:
        hit = ranked.c.kind == kind
        for part, column in (
            ("id", ranked.c.id),
            ("likelihood", ranked.c.likelihood),
            ("impact", ranked.c.impact),
            ("score", ranked.c.score),
            ("scheme_version", ranked.c.version),
            ("at", ranked.c.created_at),
        ):
            columns.append(func.max(case((hit, column))).label(f"{prefix_of(kind)}_{part}"))
    return (
        select(ranked.c.risk_id, *columns)
        .where(ranked.c.rank == rank)
        .group_by(ranked.c.risk_id)
        .subquery()
    )


def scores_as_at(at: datetime | None, risk_ids=None):
    """The projection's columns computed from the history, as at `at` (None: now, from every
    assessment), for the given risks (None: all): what models.RiskScores holds for the
    present, and what past views read."""
    latest = _pivot(_ranked_assessments(at, risk_ids), 1, domain.KINDS, lambda kind: kind)
    agreed = last_agreed_before(at or clock.now_utc())
    if agreed is not None:
        ranked, rank = _ranked_assessments(agreed.agreed_at, risk_ids, ("current",)), 1
    else:
        ranked, rank = _ranked_assessments(at, risk_ids, ("current",)), 2
    baseline = _pivot(ranked, rank, ("current",), lambda kind: "baseline")
    statement = (
        select(
            Risk.id.label("risk_id"),
            *(c for c in latest.c if c.name != "risk_id"),
            *(c for c in baseline.c if c.name != "risk_id"),
        )
        .outerjoin(latest, latest.c.risk_id == Risk.id)
        .outerjoin(baseline, baseline.c.risk_id == Risk.id)
    )
    if risk_ids is not None:
        statement = statement.where(Risk.id.in_(risk_ids))
    return statement.subquery()
