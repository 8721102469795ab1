"""Two meetings' agreed registers side by side: which risks moved, by how much and which way,
and which are only in one of them."""

from dataclasses import dataclass

from riskreg import domain
from riskreg.models import Meeting

from .snapshots import snapshots_of


@dataclass(frozen=True)
class Movement:
    before: domain.RegisterRow
    after: domain.RegisterRow

    @property
    def change(self) -> int:
        return (score(self.after) or 0) - (score(self.before) or 0)

    @property
    def direction(self) -> str:
        return domain.direction_of_travel(score(self.after), score(self.before))


@dataclass(frozen=True)
class Comparison:
    earlier: Meeting
    later: Meeting
    earlier_rows: list[domain.RegisterRow]
    later_rows: list[domain.RegisterRow]
    moved: list[Movement]
    unchanged: list[Movement]
    only_earlier: list[domain.RegisterRow]
    only_later: list[domain.RegisterRow]


def score(row: domain.RegisterRow) -> int | None:
    """A row's current score (None when it has none)."""
    return row.current.score if row.current else None


def compare_meetings(first: Meeting, second: Meeting) -> Comparison:
    """Two agreed meetings' snapshots, the earlier one first whichever way they were given."""
    earlier, later = sorted((first, second), key=lambda m: (m.held_on, m.agreed_at, m.id))
    snapshots = snapshots_of([earlier, later])
    before, after = snapshots[earlier.id], snapshots[later.id]
    before_by_id = {row.risk.id: row for row in before}
    after_ids = {row.risk.id for row in after}
    pairs = [
        Movement(before_by_id[row.risk.id], row) for row in after if row.risk.id in before_by_id
    ]
    moved = sorted((p for p in pairs if p.change), key=lambda p: (-abs(p.change), p.after.ref))
    return Comparison(
        earlier=earlier,
        later=later,
        earlier_rows=before,
        later_rows=after,
        moved=moved,
        unchanged=[p for p in pairs if not p.change],
        only_earlier=[row for row in before if row.risk.id not in after_ids],
        only_later=[row for row in after if row.risk.id not in before_by_id],
    )
