"""Reading the data set: each indicator's values (the latest entry of each period is its value;
earlier entries are corrections' history), in a fixed number of statements however many
indicators and values there are."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from riskreg.domain import indicators as rules
from riskreg.domain.years import ReportingYear
from riskreg.extensions import db
from riskreg.models import Indicator, IndicatorValue, User, indicator_risk


@dataclass(frozen=True)
class Entry:
    """One value as entered: a period's value, or an earlier entry a correction superseded."""

    id: int
    period: rules.Period
    value: float
    note: str
    entered_at: datetime
    entered_by: str


@dataclass
class Series:
    """An indicator with its values: `current` holds each period's latest entry, in period
    order; `history` every entry, newest first."""

    indicator: Indicator
    current: dict[rules.Period, Entry] = field(default_factory=dict)
    history: list[Entry] = field(default_factory=list)

    @property
    def thresholds(self) -> rules.Thresholds:
        i = self.indicator
        return rules.Thresholds(i.polarity, i.amber, i.red, i.change_percent)

    @property
    def values(self) -> dict[rules.Period, float]:
        return {period: entry.value for period, entry in self.current.items()}

    def periodic(self) -> list[Entry]:
        """The values of the indicator's own frequency (not years entered beside quarters)."""
        kind = rules.PERIOD_KINDS[self.indicator.frequency]
        return [entry for period, entry in self.current.items() if period.kind == kind]

    @property
    def latest(self) -> Entry | None:
        entries = self.periodic()
        return entries[-1] if entries else None

    def status(self, entry: Entry | None = None) -> rules.Status | None:
        entry = entry or self.latest
        if entry is None:
            return None
        before = self.values.get(entry.period.a_year_before())
        return rules.status_of(entry.value, before, self.indicator.unit, self.thresholds)

    def previous_change(self) -> rules.Change | None:
        latest = self.latest
        if latest is None:
            return None
        before = self.values.get(latest.period.previous())
        return rules.change_between(latest.value, before, self.indicator.unit)

    def year_on_year(self) -> rules.Change | None:
        status = self.status()
        return status.year_on_year if status else None

    def year(self, year: ReportingYear) -> rules.YearFigure | None:
        i = self.indicator
        return rules.year_figure(year, i.frequency, i.year_rule, self.values)

    def corrections(self, period: rules.Period) -> list[Entry]:
        """The entries a period's value superseded, newest first."""
        current = self.current.get(period)
        return [e for e in self.history if e.period == period and e is not current]


def entry_of(row: IndicatorValue, entered_by: str | None) -> Entry:
    return Entry(
        row.id,
        rules.parse_period(row.period),
        row.value,
        row.note,
        row.entered_at,
        entered_by or "",
    )


def series_of(indicators: list[Indicator]) -> list[Series]:
    """The indicators with their values: one statement for all of their values."""
    found = {i.id: Series(i) for i in indicators}
    if not found:
        return []
    rows = db.session.execute(
        select(IndicatorValue, User.name)
        .outerjoin(User, User.id == IndicatorValue.entered_by_id)
        .where(IndicatorValue.indicator_id.in_(found))
        .order_by(IndicatorValue.period_end, IndicatorValue.id)
    )
    for value, name in rows:
        entry = entry_of(value, name)
        series = found[value.indicator_id]
        series.current[entry.period] = entry  # later ids supersede earlier ones
        series.history.append(entry)
    for series in found.values():
        series.current = dict(sorted(series.current.items()))
        series.history.sort(key=lambda e: e.id, reverse=True)
    return list(found.values())


def indicators_in_order():
    return select(Indicator).order_by(Indicator.code)


def all_series() -> list[Series]:
    return series_of(list(db.session.scalars(indicators_in_order())))


def series_for_risks(risk_ids) -> dict[int, list[Series]]:
    """Each risk's indicators with their values: two statements (links, then values; the
    indicators' own rows come with the links)."""
    links = db.session.execute(
        select(indicator_risk.c.risk_id, Indicator)
        .join(Indicator, Indicator.id == indicator_risk.c.indicator_id)
        .where(indicator_risk.c.risk_id.in_(risk_ids))
        .order_by(Indicator.code)
    ).all()
    by_indicator = {
        s.indicator.id: s for s in series_of(list({i.id: i for _, i in links}.values()))
    }
    found: dict[int, list[Series]] = defaultdict(list)
    for risk_id, indicator in links:
        found[risk_id].append(by_indicator[indicator.id])
    return found


@dataclass(frozen=True)
class Moved:
    """A value entered in a window (a period's latest entry then), with where it stands."""

    series: Series
    entry: Entry
    corrected: bool  # it replaced an earlier entry of the period

    @property
    def status(self) -> rules.Status | None:
        return self.series.status(self.entry)

    @property
    def previous_change(self) -> rules.Change | None:
        before = self.series.values.get(self.entry.period.previous())
        return rules.change_between(self.entry.value, before, self.series.indicator.unit)


def entered_between(since: datetime | None, until: datetime) -> list[Moved]:
    """Values entered after `since` (None: ever) up to `until`: each period's latest entry in
    the window, beyond-threshold ones first, then by indicator and period. Three statements."""
    window = IndicatorValue.entered_at <= until
    if since is not None:
        window &= IndicatorValue.entered_at > since
    ids = select(IndicatorValue.indicator_id).where(window).distinct()
    indicators = list(db.session.scalars(indicators_in_order().where(Indicator.id.in_(ids))))
    moved = []
    for series in series_of(indicators):
        in_window = {}
        for entry in sorted(series.history, key=lambda e: e.id):
            if entry.entered_at <= until and (since is None or entry.entered_at > since):
                in_window[entry.period] = entry
        for period, entry in sorted(in_window.items()):
            earlier = [e for e in series.history if e.period == period and e.id < entry.id]
            moved.append(Moved(series, entry, bool(earlier)))
    moved.sort(key=lambda m: (not (m.status and m.status.alerting), m.series.indicator.code,
                              m.entry.period))  # fmt: skip
    return moved
