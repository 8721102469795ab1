"""Adopting a scoring scheme version: which open risks' scorings change band under it, and the
register's current bands before and after. Only a scoring whose band name changes is recorded
again under the new version; the others already read the same under it."""

from collections import Counter
from dataclasses import dataclass
from datetime import date

from .register import KINDS, RegisterRow, ScoreView
from .scoring import Band, Scheme, review_due


@dataclass(frozen=True)
class BandChange:
    row: RegisterRow
    kind: str
    scoring: ScoreView  # as it was made, under its own version
    after: Band  # its band under the version being adopted

    @property
    def before(self) -> Band:
        return self.scoring.band


@dataclass(frozen=True)
class BandCount:
    name: str
    colour: str
    before: int
    after: int


def band_changes(rows: list[RegisterRow], scheme: Scheme) -> list[BandChange]:
    """Every inherent, current and target scoring of `rows` whose band name differs under
    `scheme` from the one it was made under, in register order then kind."""
    changes = []
    for row in rows:
        for kind in KINDS:
            scoring = getattr(row, kind)
            if scoring is None:
                continue
            after = scheme.band_for(scoring.score)
            if after.name != scoring.band.name:
                changes.append(BandChange(row, kind, scoring, after))
    return changes


def band_counts(rows: list[RegisterRow], scheme: Scheme) -> list[BandCount]:
    """How many rows' current scores fall in each band now and under `scheme`: the new
    scheme's bands from highest, then any band only the present uses."""
    before = Counter(row.current.band.name for row in rows if row.current)
    after = Counter(scheme.band_for(row.current.score).name for row in rows if row.current)
    counts = [
        BandCount(band.name, band.colour, before[band.name], after[band.name])
        for band in sorted(scheme.bands, key=lambda band: band.min, reverse=True)
    ]
    new_names = {band.name for band in scheme.bands}
    colours = {row.current.band.name: row.current.band.colour for row in rows if row.current}
    counts += [
        BandCount(name, colours[name], number, 0)
        for name, number in sorted(before.items())
        if name not in new_names
    ]
    return counts


@dataclass(frozen=True)
class EarlierReview:
    row: RegisterRow
    band: str  # the current score's band under the scheme adopted
    review_on: date  # when that band asks for the next review, counted from today


def earlier_reviews(
    rows: list[RegisterRow], scheme: Scheme, today: date, next_meeting: date | None
) -> list[EarlierReview]:
    """The open risks whose current score's band under `scheme` asks for a review before the
    next review date they have (or that have none), counted from today: what adopting it may
    bring forward."""
    earlier = []
    for row in rows:
        if row.current is None or row.risk.status != "open":
            continue
        band = scheme.band_for(row.current.score)
        due = review_due(today, band, next_meeting)
        if row.risk.next_review is None or due < row.risk.next_review:
            earlier.append(EarlierReview(row, band.name, due))
    return earlier
