"""The optimistic lock every change to a risk shares: a form carries the risk's version, a
save against another version is refused, and any change moves the version on."""

from datetime import datetime

from sqlalchemy import select

from riskreg.clock import now_utc
from riskreg.extensions import db
from riskreg.models import Risk


class StaleVersion(Exception):
    """Someone else saved the risk since this form was loaded."""

    def __init__(self, risk: Risk):
        super().__init__(f"{risk.ref} was changed by someone else")
        self.risk = risk


def lock_risks(risk_ids) -> None:
    """Hold the risks' rows until the transaction ends, before anything is written for them,
    and read them afresh. A score written first would hold a shared lock on its risk (its
    foreign key), and two rescores each waiting to lock the risk past the other's shared lock
    are a deadlock on PostgreSQL; taken first, the second waits, then sees the first's save.
    In id order, so that any two writers lock shared risks in the same order."""
    db.session.execute(
        select(Risk)
        .where(Risk.id.in_(risk_ids))
        .order_by(Risk.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def check_version(risk: Risk, expected_version: int | None) -> None:
    if expected_version is not None and risk.version != expected_version:
        raise StaleVersion(risk)


def mark_changed(risk: Risk, at: datetime | None = None) -> None:
    """A change to a risk's scores, controls or actions is a change to the risk: its
    optimistic-lock version moves on, so a form opened before it conflicts."""
    risk.updated_at = at or now_utc()
    db.session.flush()
