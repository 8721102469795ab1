"""Line charts and sparklines drawn as SVG on the server: where every band, line, point and
label goes, in the SVG's own units, worked out from the data alone; templates/_chart.html draws
them. The table a chart summarises is always on the page beside it: a chart never replaces it.

SVG text scales with its box, so a full chart is laid out twice. The wide drawing's 13 px text
stays at 12 px or more in a box down to 702 CSS px; the narrow drawing (fewer labels, the same
lines) serves smaller boxes down to 277 px, so a 320 px phone (a 290 px box) reads it at 12.6 px.
assets/_charts.scss shows one or the other with a container query, and the wide one on paper."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from math import ceil, floor, isfinite, log10

from riskreg.domain import indicators as indicator_rules
from riskreg.domain.dates import long_date, month_year, short_date

FONT, MIN_TEXT = 13, 12  # px: every text's size in the drawing, and the least it may be drawn at
CHAR_W = 7.4  # a generous width for an Arial character at 13 px, so labels never overrun
LINE_H, PAD, TICK, GAP = 17, 8, 5, 12
POINT_R = 4.5
SHORT_SPAN_DAYS = 62  # under about two months, the axis names the points' own days


@dataclass(frozen=True)
class Size:
    name: str
    width: int
    height: int
    label_chars: int  # a marker's or a side label's longest text before it is cut short
    marker_rows: int

    @property
    def shown_from(self) -> int:
        """The narrowest box, in CSS px, at which this drawing's text is drawn at MIN_TEXT."""
        return ceil(self.width * MIN_TEXT / FONT)


WIDE = Size("wide", 760, 300, 24, 2)
NARROW = Size("narrow", 300, 270, 14, 1)


# What a chart is given.
@dataclass(frozen=True)
class Point:
    on: date
    value: float
    label: str = ""  # named on the x axis instead of the month: a period such as "2013-14 Q1"


@dataclass(frozen=True)
class Series:
    name: str
    points: tuple[Point, ...]
    steps: bool = False  # each value holds until the next point (a score until the next rescore)


@dataclass(frozen=True)
class BackgroundBand:
    low: float
    high: float
    colour: str
    name: str


@dataclass(frozen=True)
class Marker:  # a vertical line on a day, such as a board meeting
    on: date
    label: str


@dataclass(frozen=True)
class Threshold:  # a horizontal line at a value, such as an amber or red threshold
    value: float
    label: str
    colour: str = "#505a5f"


@dataclass(frozen=True)
class SeriesStyle:
    stroke: str
    dash: str  # an SVG stroke-dasharray; "" is a solid line
    shape: str  # how its points are marked: circle, square, diamond, triangle


# Series are told apart by dash and point shape as well as colour (and on paper by those alone).
STYLES = (
    SeriesStyle("#0b0c0c", "", "circle"),
    SeriesStyle("#1d70b8", "8 5", "square"),
    SeriesStyle("#4c2c92", "2 4", "diamond"),
    SeriesStyle("#505a5f", "12 4 3 4", "triangle"),
)
THRESHOLD_DASH, MARKER_DASH = "6 4", "2 3"


# What the template draws.
@dataclass(frozen=True)
class Text:
    x: float
    y: float  # the baseline
    text: str
    anchor: str = "middle"  # start, middle or end
    size: int = FONT

    @property
    def width(self) -> float:
        return len(self.text) * CHAR_W * self.size / FONT

    @property
    def left(self) -> float:
        return self.x - {"start": 0, "middle": 0.5, "end": 1}[self.anchor] * self.width


@dataclass(frozen=True)
class DrawnBand:
    top: float
    height: float
    colour: str
    name: str


@dataclass(frozen=True)
class DrawnThreshold:
    y: float
    colour: str
    name: str


@dataclass(frozen=True)
class DrawnMarker:
    x: float
    title: str  # its label and day in full, as a tooltip
    label: Text | None  # None where no label fits beside the others


@dataclass(frozen=True)
class DrawnSeries:
    name: str
    style: SeriesStyle
    line: str  # path data
    points: str  # path data: every point's shape


@dataclass(frozen=True)
class Drawing:
    name: str
    width: int
    height: int
    shown_from: int
    left: float  # the plot's box
    top: float
    right: float
    bottom: float
    y_ticks: tuple[tuple[float, Text], ...]  # a grid line's y and its label
    x_ticks: tuple[tuple[float, Text], ...]
    side_labels: tuple[Text, ...]  # band and threshold names, right of the plot
    bands: tuple[DrawnBand, ...]
    thresholds: tuple[DrawnThreshold, ...]
    markers: tuple[DrawnMarker, ...]
    series: tuple[DrawnSeries, ...]

    @property
    def texts(self) -> tuple[Text, ...]:
        markers = tuple(m.label for m in self.markers if m.label)
        ticks = tuple(text for _, text in self.y_ticks + self.x_ticks)
        return ticks + self.side_labels + markers


@dataclass(frozen=True)
class KeyItem:
    kind: str  # series, threshold, marker or band
    name: str
    colour: str
    dash: str = ""
    shape: str = ""  # a series' point: path data in the key's 36 x 14 sample


@dataclass(frozen=True)
class LineChart:
    title: str
    description: str
    key: tuple[KeyItem, ...]
    wide: Drawing
    narrow: Drawing

    @property
    def drawings(self) -> tuple[Drawing, Drawing]:
        return self.wide, self.narrow


def line_chart_layout(
    title: str,
    series: Sequence[Series],
    *,
    description: str = "",
    y_range: tuple[float, float] | None = None,
    y_ticks: Sequence[float] | None = None,
    whole_numbers: bool = False,
    bands: Sequence[BackgroundBand] = (),
    markers: Sequence[Marker] = (),
    markers_name: str = "",
    thresholds: Sequence[Threshold] = (),
    until: date | None = None,
) -> LineChart | None:
    """A line chart of `series` over time, or None when no series has a point (no chart).

    y_ticks, when given, are the value axis's ticks (values beyond them are drawn at its ends);
    otherwise they are chosen ("nice", whole numbers when `whole_numbers`) to cover the data,
    the thresholds and `y_range` (by default from zero).
    A step series holds its last value until `until` (say, today). Markers outside the time
    span and thresholds outside the value axis are left out; `markers_name` names the markers
    in the key. Without a `description`, the <desc> is made from the series (`describe`)."""
    series = tuple(
        Series(s.name, tuple(sorted(s.points, key=lambda p: p.on)), s.steps)
        for s in series
        if s.points
    )
    if not series:
        return None
    points = [p for s in series for p in s.points]
    start = min(p.on for p in points)
    end = max([p.on for p in points] + ([until] if until else []))
    if start == end:  # one day: the point in the middle of a month
        start, end = start - timedelta(days=15), end + timedelta(days=15)
    ticks = tuple(sorted(y_ticks)) if y_ticks else None
    if ticks:
        low, high = min(ticks), max(ticks)
    else:
        # From zero unless told otherwise, so that a change is not drawn larger than it is.
        values = [p.value for p in points] + [t.value for t in thresholds]
        values += list(y_range) if y_range else [0]
        ticks = nice_ticks(min(values), max(values), whole_numbers=whole_numbers)
        low, high = ticks[0], ticks[-1]
    if high <= low:
        high = low + 1
    styled = tuple((s, STYLES[n % len(STYLES)]) for n, s in enumerate(series))
    thresholds = tuple(t for t in thresholds if low <= t.value <= high)
    bands = tuple(b for b in bands if b.high > low and b.low < high)
    markers = tuple(sorted((m for m in markers if start <= m.on <= end), key=lambda m: m.on))
    frame = _Frame(start, end, low, high, ticks, styled, bands, markers, thresholds)
    key = tuple(
        KeyItem("series", s.name, style.stroke, style.dash, _shape(style.shape, 18, 7, 4))
        for s, style in styled
    )
    key += tuple(KeyItem("threshold", t.label, t.colour, THRESHOLD_DASH) for t in thresholds)
    if markers and markers_name:
        key += (KeyItem("marker", markers_name, "#505a5f", MARKER_DASH),)
    wide, narrow = _draw(WIDE, frame), _draw(NARROW, frame)
    # Bands are named beside the plot; the key names them too only where a name did not fit.
    unnamed = [
        band
        for band in bands
        for size, drawing in ((WIDE, wide), (NARROW, narrow))
        if _fit(band.name, size.label_chars) not in {t.text for t in drawing.side_labels}
    ]
    if unnamed:
        key += tuple(KeyItem("band", b.name, b.colour) for b in reversed(bands))
    return LineChart(
        title=title,
        description=description or describe(series, thresholds),
        key=key,
        wide=wide,
        narrow=narrow,
    )


@dataclass(frozen=True)
class _Frame:
    """What both drawings share: the spans of the axes and what is drawn in them."""

    start: date
    end: date
    low: float
    high: float
    ticks: tuple[float, ...]
    series: tuple[tuple[Series, SeriesStyle], ...]
    bands: tuple[BackgroundBand, ...]
    markers: tuple[Marker, ...]
    thresholds: tuple[Threshold, ...]


def _draw(size: Size, f: _Frame) -> Drawing:
    step = min((b - a for a, b in zip(f.ticks, f.ticks[1:], strict=False)), default=1)
    tick_texts = [format_tick(v, step) for v in f.ticks]
    left = PAD + max(len(t) for t in tick_texts) * CHAR_W + TICK + 4
    side_names = [_fit(t.label, size.label_chars) for t in f.thresholds]
    side_names += [_fit(b.name, size.label_chars) for b in f.bands]
    right = size.width - PAD - (max(len(n) for n in side_names) * CHAR_W + 6 if side_names else 0)
    labelled_markers = any(m.label for m in f.markers)
    top = PAD + 6 + (size.marker_rows * LINE_H if labelled_markers else 0)
    bottom = size.height - (TICK + LINE_H + PAD)
    span = (f.end - f.start).days

    def x_of(day: date) -> float:
        return round(left + (day - f.start).days * (right - left) / span, 1)

    def y_of(value: float) -> float:
        clamped = min(max(value, f.low), f.high)
        return round(bottom - (clamped - f.low) * (bottom - top) / (f.high - f.low), 1)

    y_ticks = tuple(
        (y_of(v), Text(round(left - TICK - 3, 1), round(y_of(v) + 4.5, 1), text, "end"))
        for v, text in zip(f.ticks, tick_texts, strict=True)
    )
    x_ticks = _thin(
        [(x_of(day), Text(x_of(day), bottom + TICK + FONT + 1, text)) for day, text in
         _x_labels(f, right - left)],
        size.width,
    )  # fmt: skip
    bands = tuple(
        DrawnBand(y_of(b.high), round(y_of(b.low) - y_of(b.high), 1), b.colour, b.name)
        for b in f.bands
    )
    thresholds = tuple(DrawnThreshold(y_of(t.value), t.colour, t.label) for t in f.thresholds)
    # Threshold names first, then band names, each where it does not touch one already placed.
    wanted = [(t.y, t.name) for t in thresholds] + [(b.top + b.height / 2, b.name) for b in bands]
    side: list[Text] = []
    for y, name in wanted:
        baseline = round(min(max(y + 4.5, top + FONT - 2), bottom + 4), 1)
        if all(abs(baseline - placed.y) >= LINE_H - 2 for placed in side):
            side.append(Text(right + 6, baseline, _fit(name, size.label_chars), "start"))
    markers = _place_markers(f.markers, x_of, size)
    series = tuple(_drawn_series(s, style, x_of, y_of, x_of(f.end)) for s, style in f.series)
    return Drawing(
        name=size.name,
        width=size.width,
        height=size.height,
        shown_from=size.shown_from,
        left=round(left, 1),
        top=top,
        right=round(right, 1),
        bottom=bottom,
        y_ticks=y_ticks,
        x_ticks=x_ticks,
        side_labels=tuple(sorted(side, key=lambda t: t.y)),
        bands=bands,
        thresholds=thresholds,
        markers=markers,
        series=series,
    )


def _x_labels(f: _Frame, room: float) -> list[tuple[date, str]]:
    """Where the time axis is labelled: at each labelled point (periods), at the points' own
    days over a short span, else on the first of every month, quarter, half-year or year —
    the shortest interval whose labels fit."""
    labelled = {p.on: p.label for s, _ in f.series for p in s.points if p.label}
    if labelled:
        return sorted(labelled.items())
    if (f.end - f.start).days <= SHORT_SPAN_DAYS:
        days = sorted({p.on for s, _ in f.series for p in s.points})
        return [(day, short_date(day)) for day in days]
    per_day = room / (f.end - f.start).days
    needed = len("Sep 2026") * CHAR_W + GAP
    months = next((m for m in (1, 2, 3, 6, 12, 24, 60) if m * 30.4 * per_day >= needed), 120)
    first = f.start.year * 12 + f.start.month - 1 + (f.start.day > 1)
    first += -first % months
    labels = []
    for index in range(first, f.end.year * 12 + f.end.month, months):
        day = date(index // 12, index % 12 + 1, 1)
        if day <= f.end:
            labels.append((day, month_year(day)))
    return labels


def _thin(ticks: list[tuple[float, Text]], width: float) -> tuple[tuple[float, Text], ...]:
    """Labels kept from the latest back, each clear of the next: the latest is always named.
    A label near an edge is moved inside the drawing."""
    kept: list[tuple[float, Text]] = []
    for x, text in reversed(ticks):
        middle = min(max(text.x, text.width / 2 + 1), width - text.width / 2 - 1)
        text = Text(round(middle, 1), text.y, text.text, text.anchor, text.size)
        if not kept or text.left + text.width + GAP / 2 <= kept[-1][1].left:
            kept.append((x, text))
    return tuple(reversed(kept))


def _place_markers(markers, x_of, size: Size) -> tuple[DrawnMarker, ...]:
    """Each marker's label above the plot, in the first row where it is clear of the others;
    a marker whose label fits nowhere is still drawn, with its label as a tooltip."""
    row_ends = [float("-inf")] * size.marker_rows
    drawn = []
    for marker in markers:
        x = x_of(marker.on)
        label = None
        if marker.label:
            text = _fit(marker.label, size.label_chars)
            width = len(text) * CHAR_W
            middle = round(min(max(x, width / 2 + 1), size.width - width / 2 - 1), 1)
            for row, row_end in enumerate(row_ends):
                if middle - width / 2 >= row_end + GAP / 2:
                    label = Text(middle, PAD + (row + 1) * LINE_H - 4, text)
                    row_ends[row] = middle + width / 2
                    break
        drawn.append(DrawnMarker(x, f"{marker.label}, {long_date(marker.on)}", label))
    return tuple(drawn)


def _drawn_series(series: Series, style: SeriesStyle, x_of, y_of, end_x: float) -> DrawnSeries:
    xy = [(x_of(p.on), y_of(p.value)) for p in series.points]
    line = f"M{xy[0][0]} {xy[0][1]}"
    for x, y in xy[1:]:
        line += f"H{x}V{y}" if series.steps else f"L{x} {y}"
    if series.steps and end_x > xy[-1][0]:
        line += f"H{end_x}"  # the last value holds until the end of the span
    points = "".join(_shape(style.shape, x, y, POINT_R) for x, y in xy)
    return DrawnSeries(series.name, style, line, points)


def _shape(shape: str, x: float, y: float, r: float) -> str:
    """Path data for a point's mark, centred on (x, y)."""
    if shape == "square":
        return f"M{x - r} {y - r}h{2 * r}v{2 * r}h{-2 * r}z"
    if shape == "diamond":
        d = round(r * 1.3, 2)
        return f"M{x} {y - d}l{d} {d}l{-d} {d}l{-d} {-d}z"
    if shape == "triangle":
        d = round(r * 1.2, 2)
        return f"M{x} {y - d}l{d} {round(d * 1.7, 2)}h{-2 * d}z"
    return f"M{x - r} {y}a{r} {r} 0 1 0 {2 * r} 0a{r} {r} 0 1 0 {-2 * r} 0z"


def _fit(text: str, chars: int) -> str:
    return text if len(text) <= chars else text[: chars - 1].rstrip() + "…"


def nice_ticks(
    low: float, high: float, most: int = 8, whole_numbers: bool = False
) -> tuple[float, ...]:
    """Evenly spaced ticks at 1, 2, 2.5 or 5 times a power of ten, covering low to high, as
    few apart as keeps them to `most`: 0 to 7,000 gives 0, 1,000 ... 7,000."""
    if not (isfinite(low) and isfinite(high)):
        raise ValueError("ticks need finite values")
    low, high = min(low, high), max(low, high)
    if high - low < 1e-9 * max(1, abs(low), abs(high)):  # no span worth drawing: equal values
        high = low + 1
    power = floor(log10((high - low) / most))
    if whole_numbers:
        power = max(power, 0)
    # Written out, not multiplied, so that a step is exactly 0.2 or 25 and never 0.2000000001.
    candidates = [float(f"{m}e{p}") for p in range(power, power + 3) for m in (1, 2, 2.5, 5)]
    if whole_numbers:
        candidates = [c for c in candidates if c >= 1 and c == int(c)]
    for step in candidates:
        first, last = floor(low / step + 1e-9), ceil(high / step - 1e-9)
        if last - first + 1 <= most:
            break
    last = max(last, first + 1)  # a span far under its step still gets two ticks
    return tuple(round(n * step, 10) for n in range(first, last + 1))


def format_tick(value: float, step: float) -> str:
    """A tick's value with as many decimals as the ticks' step has: 7,000; 2.5; 0.25."""
    decimals = next((d for d in range(6) if abs(step * 10**d - round(step * 10**d)) < 1e-6), 6)
    return f"{value:,.{decimals}f}"


def format_number(value: float) -> str:
    """A value as a sentence gives it: 7,000; 12.5; 0.33 (the data set's one rule)."""
    return indicator_rules.number(value)


def describe(series: Sequence[Series], thresholds: Sequence[Threshold] = ()) -> str:
    """What the chart shows, in words, for its <desc>: each series from its first point to its
    last, and the threshold lines."""

    def when(point: Point) -> str:
        return f"in {point.label}" if point.label else f"on {long_date(point.on)}"

    parts = []
    for s in series:
        first, last = s.points[0], s.points[-1]
        text = f"{s.name}: {format_number(first.value)} {when(first)}"
        if len(s.points) > 1:
            text += f" to {format_number(last.value)} {when(last)}"
        parts.append(text)
    parts += [f"{t.label} at {format_number(t.value)}" for t in thresholds]
    return "; ".join(parts) + "."


# A sparkline: a trend too small for text, beside a value given in words.
@dataclass(frozen=True)
class Sparkline:
    width: int
    height: int
    line: str
    last: tuple[float, float]  # the latest value, marked with a dot
    title: str  # "" when the sparkline is hidden from screen readers


def sparkline_layout(
    values: Sequence[float], width: int = 120, height: int = 28, title: str = ""
) -> Sparkline | None:
    """A trend of `values` (oldest first) filling width x height; None for no values. Equal
    values give a level line across the middle."""
    if not values:
        return None
    low, high = min(values), max(values)
    inset = 3
    across = (width - 2 * inset) / max(len(values) - 1, 1)

    def y_of(value: float) -> float:
        if high == low:
            return height / 2
        return round(height - inset - (value - low) * (height - 2 * inset) / (high - low), 1)

    xy = [
        (round(width - inset - (len(values) - 1 - n) * across, 1), y_of(v))
        for n, v in enumerate(values)
    ]
    line = f"M{xy[0][0]} {xy[0][1]}" + "".join(f"L{x} {y}" for x, y in xy[1:])
    return Sparkline(width, height, line, xy[-1], title)
