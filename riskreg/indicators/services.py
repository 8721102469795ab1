"""Changing the data set: indicators, their values (appended, never overwritten) and the
projection that flags the risks they bear on. Every change is audited; the caller commits."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, insert, select
from sqlalchemy.orm.attributes import flag_modified

from riskreg import audit
from riskreg.clock import now_utc
from riskreg.domain import indicators as rules
from riskreg.extensions import db
from riskreg.models import Indicator, IndicatorAlert, IndicatorValue, Risk, indicator_risk

from .data import Series, series_of

INDICATOR_FIELDS = (
    "code", "name", "definition", "unit", "agency_id", "year_rule", "frequency", "polarity",
    "amber", "red", "change_percent", "owner_name",
)  # fmt: skip


class StaleIndicator(Exception):
    """Someone else saved the indicator (or the period's value) since the form was opened."""


def described(indicator: Indicator, values: dict) -> dict:
    """Field values as the audit trail shows them: the agency by name, risks by ref."""
    shown = dict(values)
    if "agency_id" in shown:
        shown["agency"] = indicator.agency.name if indicator.agency else None
        del shown["agency_id"]
    return shown


def _values(indicator: Indicator) -> dict:
    return {name: getattr(indicator, name) for name in INDICATOR_FIELDS}


def _refs(risks) -> str:
    return ", ".join(sorted(r.ref for r in risks))


def create_indicator(fields: dict, risks: list[Risk], *, user_id: int | None = None) -> Indicator:
    indicator = Indicator(**fields, risks=list(risks), created_by_id=user_id)
    db.session.add(indicator)
    db.session.flush()
    db.session.refresh(indicator, ["agency"])
    audit.record(
        "indicator",
        indicator.id,
        "create",
        audit.diff({}, {**described(indicator, _values(indicator)), "risks": _refs(risks)}),
        summary=f"Added indicator {indicator.code}: {indicator.name}",
        user_id=user_id,
    )
    refresh_alerts([r.id for r in risks])
    return indicator


def update_indicator(
    indicator: Indicator,
    fields: dict,
    risks: list[Risk],
    *,
    expected_version: int | None = None,
    user_id: int | None = None,
) -> dict:
    """Change the indicator's fields and linked risks; returns what changed. Thresholds and
    links decide which risks are flagged, so the flags are worked out again."""
    if expected_version is not None and indicator.version != expected_version:
        raise StaleIndicator()
    before = {**described(indicator, _values(indicator)), "risks": _refs(indicator.risks)}
    touched = {r.id for r in indicator.risks} | {r.id for r in risks}
    for name, value in fields.items():
        setattr(indicator, name, value)
    indicator.risks = list(risks)
    db.session.flush()
    db.session.refresh(indicator, ["agency"])
    changes = audit.diff(
        before, {**described(indicator, _values(indicator)), "risks": _refs(risks)}
    )
    if changes:
        # A change of linked risks alone writes no column of the indicator's row: mark one,
        # so that its version moves on and a form opened before this save is refused.
        flag_modified(indicator, "code")
        audit.record(
            "indicator",
            indicator.id,
            "update",
            changes,
            summary=f"Changed indicator {indicator.code}",
            user_id=user_id,
        )
        refresh_alerts(sorted(touched))
    return changes


def current_value_id(indicator: Indicator, period: rules.Period) -> int | None:
    return db.session.scalar(
        select(IndicatorValue.id)
        .where(IndicatorValue.indicator_id == indicator.id, IndicatorValue.period == period.code)
        .order_by(IndicatorValue.id.desc())
        .limit(1)
    )


@dataclass(frozen=True)
class NewValue:
    period: rules.Period
    value: float
    note: str = ""


def add_value(
    indicator: Indicator,
    new: NewValue,
    *,
    supersedes: int | None = None,
    user_id: int | None = None,
    at: datetime | None = None,
    refresh: bool = True,
) -> IndicatorValue:
    """Append a period's value. A period that has one already is corrected: the new entry
    supersedes it and the old one is kept. `supersedes` is the entry the form showed (0: the
    period had none); another entry since then is a conflict, so nobody corrects a value
    they have not seen."""
    at = at or now_utc()
    # Whoever enters a value for the indicator first has it to themselves until they commit:
    # two entries for an empty period at once would otherwise both see it empty.
    db.session.execute(select(Indicator.id).where(Indicator.id == indicator.id).with_for_update())
    existing = current_value_id(indicator, new.period)
    if supersedes is not None and (existing or 0) != supersedes:
        raise StaleIndicator()
    row = IndicatorValue(
        indicator_id=indicator.id,
        period=new.period.code,
        period_end=new.period.end,
        value=new.value,
        note=new.note,
        entered_at=at,
        entered_by_id=user_id,
    )
    db.session.add(row)
    db.session.flush()
    figure = rules.figure(new.value, indicator.unit)
    audit.record(
        "indicator_value",
        row.id,
        "correct" if existing else "create",
        {
            "indicator": [None, indicator.code],
            "period": [None, new.period.code],
            "value": [_old_value(existing), new.value],
            **({"note": [None, new.note]} if new.note else {}),
        },
        summary=(
            f"{'Corrected' if existing else 'Entered'} {indicator.code} for "
            f"{new.period.label}: {figure}"
        ),
        user_id=user_id,
        at=at,
    )
    if refresh:
        refresh_alerts([r.id for r in indicator.risks])
    return row


def _old_value(value_id: int | None) -> float | None:
    return db.session.get(IndicatorValue, value_id).value if value_id else None


def unchanged(series: Series, new: NewValue) -> bool:
    """The period's value is this already (a re-import of the same file changes nothing)."""
    entry = series.current.get(new.period)
    return entry is not None and entry.value == new.value and entry.note == new.note


def alert_times(series_list: list[Series]) -> dict[int, datetime]:
    """Indicator id -> when its latest value beyond a threshold was entered."""
    found = {}
    for series in series_list:
        alerting = rules.alerting_values(series.values, series.indicator.unit, series.thresholds)
        times = [series.current[period].entered_at for period in alerting]
        if times:
            found[series.indicator.id] = max(times)
    return found


def refresh_alerts(risk_ids: list[int] | None = None) -> None:
    """Rewrite the flag projection for the given risks (None: every risk) from their
    indicators' values and thresholds. The one writer of models.IndicatorAlert."""
    links = select(indicator_risk.c.indicator_id, indicator_risk.c.risk_id)
    stale = delete(IndicatorAlert)
    if risk_ids is not None:
        if not risk_ids:
            return
        links = links.where(indicator_risk.c.risk_id.in_(risk_ids))
        stale = stale.where(IndicatorAlert.risk_id.in_(risk_ids))
    pairs = db.session.execute(links).all()
    indicators = db.session.scalars(
        select(Indicator).where(Indicator.id.in_({i for i, _ in pairs}))
    ).all()
    times = alert_times(series_of(list(indicators)))
    latest: dict[int, datetime] = {}
    for indicator_id, risk_id in pairs:
        if indicator_id in times:
            latest[risk_id] = max(latest.get(risk_id, times[indicator_id]), times[indicator_id])
    db.session.execute(stale)
    if latest:
        db.session.execute(
            insert(IndicatorAlert),
            [{"risk_id": risk_id, "alert_at": at} for risk_id, at in latest.items()],
        )
