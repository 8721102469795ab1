"""Test oracles: the register as at a moment, computed the slow, obvious way in plain Python
from every fact, to check the read model's SQL against."""

from collections.abc import Iterable
from datetime import datetime

from riskreg.domain import (
    KINDS,
    RegisterRow,
    RiskFact,
    Scheme,
    ScoreFact,
    build_row,
    sort_rows,
)


def open_at(risk: RiskFact, at: datetime) -> bool:
    return risk.created_at <= at and (risk.closed_at is None or risk.closed_at > at)


def latest_scores(
    assessments: Iterable[ScoreFact], at: datetime
) -> dict[tuple[int, str], ScoreFact]:
    """Each (risk, kind)'s latest assessment made at or before `at`."""
    latest: dict[tuple[int, str], ScoreFact] = {}
    for fact in assessments:
        if fact.created_at > at:
            continue
        key = (fact.risk_id, fact.kind)
        if key not in latest or (fact.created_at, fact.id) > (
            latest[key].created_at,
            latest[key].id,
        ):
            latest[key] = fact
    return latest


def register_as_at(
    risks: Iterable[RiskFact],
    assessments: Iterable[ScoreFact],
    schemes: dict[int, Scheme],
    at: datetime,
    baseline_at: datetime | None = None,
) -> list[RegisterRow]:
    """The register as it stood at `at`: risks open then, with their scores then.

    `baseline_at` is when the register was last agreed; without one, the direction of travel
    compares with each risk's previous current assessment."""
    assessments = list(assessments)
    latest = latest_scores(assessments, at)
    baselines = (
        latest_scores(assessments, baseline_at)
        if baseline_at
        else previous_currents(assessments, at)
    )
    rows = []
    for risk in risks:
        if not open_at(risk, at):
            continue
        scores = {kind: latest[(risk.id, kind)] for kind in KINDS if (risk.id, kind) in latest}
        baseline = baselines.get((risk.id, "current"))
        rows.append(build_row(risk, scores, baseline, schemes, at.date()))
    return sort_rows(rows)


def previous_currents(
    assessments: Iterable[ScoreFact], at: datetime
) -> dict[tuple[int, str], ScoreFact]:
    """Each risk's second-latest current assessment at `at`: the baseline before any meeting."""
    by_risk: dict[int, list[ScoreFact]] = {}
    for fact in assessments:
        if fact.kind == "current" and fact.created_at <= at:
            by_risk.setdefault(fact.risk_id, []).append(fact)
    previous = {}
    for risk_id, facts in by_risk.items():
        facts.sort(key=lambda f: (f.created_at, f.id))
        if len(facts) > 1:
            previous[(risk_id, "current")] = facts[-2]
    return previous
