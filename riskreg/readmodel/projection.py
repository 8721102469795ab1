"""The projection of the latest scores, models.RiskScores: its one writer (`refresh_scores`)
and the check that it still says what the history gives (`projection_drift`)."""

from sqlalchemy import delete, insert, select

from riskreg.extensions import db
from riskreg.models import Risk, RiskScores

from .history import PROJECTED_COLUMNS, scores_as_at


def refresh_scores(risk_ids: list[int] | None = None) -> None:
    """Rewrite the projection of the given risks (None: every risk) from their assessments, in
    the caller's transaction. The one writer of models.RiskScores: the services call it after
    adding assessments (for those risks) and after agreeing the register (every baseline)."""
    history = scores_as_at(None, risk_ids)
    chosen = select(*(history.c[name] for name in PROJECTED_COLUMNS))
    stale = delete(RiskScores)
    if risk_ids is not None:
        stale = stale.where(RiskScores.risk_id.in_(risk_ids))
        # Two rescores of one risk at once: the second waits here for the first to commit,
        # then rewrites the rows it committed (and fails the risk's version check), rather
        # than inserting beside rows it cannot yet see.
        db.session.execute(select(Risk.id).where(Risk.id.in_(risk_ids)).with_for_update())
    db.session.execute(stale)
    db.session.execute(
        insert(RiskScores).from_select(PROJECTED_COLUMNS, chosen),
        execution_options={"synchronize_session": False},
    )


def projection_drift() -> list[str]:
    """Where the stored projection differs from what the assessments give, one line per risk
    and column."""
    history = scores_as_at(None)
    stored = RiskScores.__table__
    wanted = select(Risk.ref, *(history.c[name] for name in PROJECTED_COLUMNS[1:])).join(
        history, history.c.risk_id == Risk.id
    )
    kept = {
        row[0]: row[1:]
        for row in db.session.execute(
            select(Risk.ref, *(stored.c[name] for name in PROJECTED_COLUMNS[1:])).join(
                stored, stored.c.risk_id == Risk.id
            )
        )
    }
    drift = []
    for ref, *values in db.session.execute(wanted.order_by(Risk.ref)):
        if ref not in kept:
            drift.append(f"{ref}: no stored scores")
            continue
        for name, want, have in zip(PROJECTED_COLUMNS[1:], values, kept[ref], strict=True):
            if want != have:
                drift.append(f"{ref}: {name} is stored as {have!r}; the history gives {want!r}")
    return drift
