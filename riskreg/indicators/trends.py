"""An indicator's values as the shared SVG charts draw them: a trend chart on its page (the
values table is its alternative) and a sparkline beside its latest value elsewhere."""

from riskreg.domain import indicators as rules
from riskreg.ui import charts

from .data import Series

THRESHOLD_COLOURS = {"Amber": "#f47738", "Red": "#d4351c"}  # GOV.UK orange and red
SPARK_VALUES = 8


def trend_chart(series: Series) -> charts.LineChart | None:
    """Each period's value over time, with the amber and red values drawn across."""
    i = series.indicator
    entries = series.periodic()
    points = tuple(charts.Point(e.period.end, e.value, e.period.short_label) for e in entries)
    limits = rules.Thresholds(i.polarity, i.amber, i.red)
    thresholds = [
        charts.Threshold(value, f"{name} {rules.figure(value, i.unit)}", THRESHOLD_COLOURS[name])
        for name, value in (("Amber", i.amber), ("Red", i.red))
        if value is not None and limits.has_levels
    ]
    kind = rules.PERIOD_KINDS[i.frequency]
    return charts.line_chart_layout(
        f"{i.name}, by {kind}",
        [charts.Series(i.name, points)],
        thresholds=thresholds,
        whole_numbers=i.unit == "count",
        y_range=(0, 100) if i.unit == "percentage" else None,
    )


def sparkline(series: Series) -> charts.Sparkline | None:
    """The last few periods' values; hidden from screen readers, as the words beside it say
    the same."""
    values = [e.value for e in series.periodic()[-SPARK_VALUES:]]
    return charts.sparkline_layout(values) if len(values) > 1 else None
