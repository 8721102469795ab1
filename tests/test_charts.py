"""Line charts and sparklines (riskreg/ui/charts.py, templates/_chart.html): scales, ticks, steps,
bands, markers and thresholds inside the plot, text never under 12 px as drawn, no chart for no
data; and the risk page's score history chart above its table."""

import re
from datetime import date, datetime, timedelta
from pathlib import Path

import jinja2
import pytest
from helpers import make_meeting, make_risk, request_statements
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from riskreg import clock
from riskreg.clock import now_utc
from riskreg.extensions import db
from riskreg.models import Risk
from riskreg.register import services
from riskreg.ui import charts
from riskreg.ui.charts import BackgroundBand, Marker, Point, Series, Threshold

ROOT = Path(__file__).resolve().parent.parent
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
APRIL = date(2024, 4, 3)


def render(macro, *args):
    """A macro of templates/_chart.html, drawn without Flask (it needs none)."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(ROOT / "templates"), autoescape=True)
    return getattr(env.get_template("_chart.html").module, macro)(*args)


def scores(*values, start=APRIL, days=90, steps=True, name="Current score"):
    points = tuple(Point(start + timedelta(days=n * days), v) for n, v in enumerate(values))
    return Series(name, points, steps=steps)


def quarters(values, first_year=2013):
    """Quarterly figures as the indicators give them: period end, value, label."""
    ends = [(3, 6, 30), (4, 9, 30), (5, 12, 31), (6, 3, 31)]
    points = []
    for n, value in enumerate(values):
        year = first_year + n // 4 + (n % 4 == 3)
        _, month, day = ends[n % 4]
        label = f"{first_year + n // 4}-{str(first_year + n // 4 + 1)[2:]} Q{n % 4 + 1}"
        points.append(Point(date(year, month, day), value, label))
    return Series("Referrals", tuple(points), steps=False)


SCORE_BANDS = (
    BackgroundBand(0, 3.5, "#00703c", "Low"),
    BackgroundBand(3.5, 7, "#ffdd00", "Moderate"),
    BackgroundBand(7, 13.5, "#f47738", "High"),
    BackgroundBand(13.5, 25, "#d4351c", "Extreme"),
)


def score_chart(*series, **options):
    return charts.line_chart_layout(
        "SG-01: current and target score over time",
        series,
        y_range=(0, 25),
        whole_numbers=True,
        bands=SCORE_BANDS,
        **options,
    )


def coordinates(path):
    numbers = [float(n) for n in NUMBER.findall(path)]
    return list(zip(numbers[::2], numbers[1::2], strict=False))


def test_values_and_days_map_onto_the_plot_box():
    chart = charts.line_chart_layout("Referrals", [scores(0, 7000, steps=False)])
    for d in chart.drawings:
        (x1, y1), (x2, y2) = coordinates(d.series[0].line)
        assert (x1, y1) == (d.left, d.bottom)  # the first day, the lowest tick
        assert (x2, y2) == (d.right, d.top)  # the last day, the highest tick
        ticks = [y for y, _ in d.y_ticks]
        assert ticks == sorted(ticks, reverse=True) and ticks[0] == d.bottom and ticks[-1] == d.top
        assert [t.text for _, t in d.y_ticks] == [f"{n:,}" for n in range(0, 7001, 1000)]


@pytest.mark.parametrize(
    "low, high, whole, expected",
    [
        (0, 7000, False, tuple(range(0, 7001, 1000))),
        (0, 25, True, (0, 5, 10, 15, 20, 25)),
        (0, 3, True, (0, 1, 2, 3)),
        (0, 0.7, False, (0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7)),
        (0, 1, True, (0, 1)),
        (0, 1234, False, (0, 200, 400, 600, 800, 1000, 1200, 1400)),
        (-3, 17, False, (-5, 0, 5, 10, 15, 20)),
    ],
)
def test_ticks_are_nice(low, high, whole, expected):
    assert charts.nice_ticks(low, high, whole_numbers=whole) == expected


@given(
    st.floats(-1e7, 1e7, allow_nan=False),
    st.floats(0, 1e7, allow_nan=False),
    st.booleans(),
)
def test_ticks_are_evenly_spaced_round_steps_that_cover_the_range(low, span, whole):
    ticks = charts.nice_ticks(low, low + span, whole_numbers=whole)
    assert 2 <= len(ticks) <= 8
    step = ticks[1] - ticks[0]
    assert ticks[0] <= low + 1e-9 * step and ticks[-1] >= low + span - 1e-9 * step
    assert all(
        abs((b - a) - step) <= 1e-6 * max(1, step) for a, b in zip(ticks, ticks[1:], strict=False)
    )
    mantissa = round(float(f"{step:e}".split("e")[0]), 3)  # ticks are rounded to 10 places
    assert mantissa in (1, 2, 2.5, 5)
    if whole:
        assert all(t == int(t) for t in ticks)


def test_a_single_point_is_marked_and_labelled():
    chart = score_chart(scores(12))
    for d in chart.drawings:
        (x, y), *_ = coordinates(d.series[0].points)
        assert d.left < x < d.right and d.top < y < d.bottom  # in the middle of its month
        assert d.series[0].points  # a mark, not only a line
        assert [t.text for _, t in d.x_ticks] == ["3 Apr 2024"]
    line = charts.line_chart_layout("One figure", [scores(40, steps=False)])
    assert line.wide.series[0].points and "nan" not in str(render("line_chart", line, "t"))


def test_a_step_holds_each_value_until_the_next_point_and_the_last_until_the_end():
    chart = score_chart(scores(12, 16, 8, days=100), until=APRIL + timedelta(days=400))
    for d in chart.drawings:
        match = re.fullmatch(r"M(.+) (.+)H(.+)V(.+)H(.+)V(.+)H(.+)", d.series[0].line)
        x0, y12, x1, y16, x2, y8, end = (float(n) for n in match.groups())
        # Level at 12 until the first rescore, up to 16, level until the next, down to 8,
        # which holds until `until`, the end of the span.
        assert (x0, end) == (d.left, d.right)
        assert x1 == pytest.approx(d.left + (d.right - d.left) / 4, abs=0.1)
        assert x2 == pytest.approx(d.left + (d.right - d.left) / 2, abs=0.1)
        assert y16 < y12 < y8
        assert d.series[0].points.count("z") == 3  # a mark for each scoring


def test_bands_markers_and_thresholds_are_inside_the_plot():
    chart = charts.line_chart_layout(
        "Referrals",
        [quarters([1200, 1500, 1800, 2368, 2100, 1900, 2500, 2600])],
        bands=SCORE_BANDS,
        thresholds=[Threshold(2000, "Amber 2,000"), Threshold(2400, "Red 2,400")],
        markers=[
            Marker(date(2013, 2, 1), "Before the span"),
            Marker(date(2014, 3, 20), "Board <b>"),
            Marker(date(2016, 1, 1), "After the span"),
        ],
        markers_name="Board meeting",
    )
    assert [k.name for k in chart.key if k.kind == "threshold"] == ["Amber 2,000", "Red 2,400"]
    for d in chart.drawings:
        assert [m.title for m in d.markers] == ["Board <b>, 20 March 2014"]
        assert all(d.left <= m.x <= d.right for m in d.markers)
        assert all(d.top <= t.y <= d.bottom for t in d.thresholds)
        assert all(d.top <= b.top and b.top + b.height <= d.bottom + 0.1 for b in d.bands)
        assert all(d.top - 0.1 <= y <= d.bottom for y, _ in d.y_ticks)
        for series in d.series:
            assert all(
                d.left <= x <= d.right and d.top <= y <= d.bottom
                for x, y in coordinates(series.line)
            )


def test_period_labels_name_the_x_axis_and_the_latest_is_always_named():
    chart = charts.line_chart_layout("Referrals", [quarters(range(100, 1300, 100))])
    wide = [t.text for _, t in chart.wide.x_ticks]
    narrow = [t.text for _, t in chart.narrow.x_ticks]
    assert wide[-1] == narrow[-1] == "2015-16 Q4"
    assert len(narrow) < len(wide) <= 12
    assert set(wide) <= {p.label for p in quarters(range(12)).points}


def test_dates_on_the_axis_are_months_at_even_intervals():
    chart = score_chart(scores(12, 16, 8, 9, 10, 12, 15, 16, 20), until=date(2026, 6, 1))
    for d in chart.drawings:
        months = [datetime.strptime(t.text, "%b %Y") for _, t in d.x_ticks]
        indices = [m.year * 12 + m.month - 1 for m in months]
        (interval,) = {b - a for a, b in zip(indices, indices[1:], strict=False)}
        assert interval in (1, 2, 3, 6, 12, 24)
        assert all(i % interval == 0 for i in indices)  # quarters are Jan, Apr, Jul and Oct
        assert date(2024, 4, 3) < months[0].date() <= date(2024, 4, 3) + timedelta(days=366)
    assert len(chart.narrow.x_ticks) < len(chart.wide.x_ticks)


def layouts():
    """Charts crowded in every way: long names, many markers, thresholds beside bands."""
    meetings = [Marker(APRIL + timedelta(days=n * 40), f"Board meeting {n}") for n in range(20)]
    return [
        score_chart(scores(12, 16, 8), scores(6, name="Target score"), markers=meetings,
                    markers_name="Board meeting at which the register was agreed",
                    until=date(2026, 3, 1)),
        charts.line_chart_layout(
            "Children on a plan", [quarters([0.25, 0.5, 0.75, 1.0, 0.5])],
            thresholds=[Threshold(0.6, "A very long name for the amber threshold")],
            bands=[BackgroundBand(0, 0.5, "#00703c", "Below the national average")],
        ),
        charts.line_chart_layout("Big numbers", [scores(1_234_567, 7_654_321, steps=False)]),
    ]  # fmt: skip


@pytest.mark.parametrize("chart", layouts())
def test_no_text_is_drawn_under_12_px_nor_outside_its_drawing_nor_over_another(chart):
    for d in chart.drawings:
        for text in d.texts:
            assert text.size * d.shown_from / d.width >= charts.MIN_TEXT
            assert 0 <= text.left and text.left + text.width <= d.width, text
            assert text.size <= text.y <= d.height, text
        for row in (d.x_ticks, [(None, m.label) for m in d.markers if m.label]):
            placed = sorted((t for _, t in row), key=lambda t: (t.y, t.left))
            for a, b in zip(placed, placed[1:], strict=False):
                assert a.y != b.y or a.left + a.width <= b.left, (a, b)
        side = sorted(d.side_labels, key=lambda t: t.y)
        assert all(b.y - a.y >= charts.FONT for a, b in zip(side, side[1:], strict=False))
    # As drawn: each SVG's text sizes are attributes, and at the narrowest box the CSS shows
    # it in (data-shown-from), none is under 12 px.
    html = str(render("line_chart", chart, "table-id"))
    for svg in re.findall(r"<svg class=\"rr-chart__svg.*?</svg>", html, re.S):
        width = float(re.search(r'viewBox="0 0 ([\d.]+)', svg).group(1))
        shown_from = float(re.search(r'data-shown-from="([\d.]+)"', svg).group(1))
        sizes = [float(s) for s in re.findall(r'<text[^>]*font-size="([\d.]+)"', svg)]
        assert len(sizes) == svg.count("<text")
        assert min(sizes) * shown_from / width >= 12


def test_the_wide_drawing_is_shown_from_the_width_the_stylesheet_says():
    scss = (ROOT / "assets/_charts.scss").read_text()
    assert f"@container (min-width: {charts.WIDE.shown_from}px)" in scss
    assert charts.NARROW.shown_from <= 290  # a 320 px phone's content box


def test_an_all_equal_series_gives_a_level_line_and_no_nan():
    for value in (0, 7, -3):
        chart = charts.line_chart_layout("Level", [scores(value, value, value, steps=False)])
        html = str(render("line_chart", chart, "t"))
        assert "nan" not in html.lower() and "inf" not in html.lower()
        ys = {y for y in (y for _, y in coordinates(chart.wide.series[0].line))}
        assert len(ys) == 1


def test_no_points_give_no_chart():
    assert charts.line_chart_layout("Nothing", []) is None
    assert charts.line_chart_layout("Nothing", [Series("Empty", ())]) is None
    assert str(render("line_chart", None, "t")).strip() == ""
    # An empty series beside one with points is left out, from the lines and the key.
    chart = charts.line_chart_layout("Some", [Series("Empty", ()), scores(3, 4)])
    assert [s.name for s in chart.wide.series] == [k.name for k in chart.key] == ["Current score"]


def test_series_are_told_apart_by_dash_and_point_shape_not_colour_alone():
    chart = charts.line_chart_layout("Four", [scores(1, 2, name=f"Series {n}") for n in range(4)])
    styles = [(s.style.dash, s.style.shape) for s in chart.wide.series]
    assert len(set(styles)) == 4 and len({dash for dash, _ in styles}) == 4
    html = str(render("line_chart", chart, "t"))
    key = html.split('class="rr-chart__key"', 1)[1]
    assert all(f"Series {n}" in key for n in range(4)) and key.count("stroke-dasharray") == 3


def test_a_chart_is_an_image_named_by_its_title_and_description_beside_its_table():
    chart = score_chart(scores(12, 16), markers=[Marker(APRIL + timedelta(days=30), "<b>M</b>")],
                        markers_name="Board meeting")  # fmt: skip
    html = str(render("line_chart", chart, "score-history"))
    svgs = re.findall(r"<svg class=\"rr-chart__svg[^>]*>", html)
    assert len(svgs) == 2
    for svg, name in zip(svgs, ("wide", "narrow"), strict=True):
        assert 'role="img"' in svg and 'aria-details="score-history"' in svg
        ids = f"score-history-chart-{name}-title score-history-chart-{name}-desc"
        assert f'aria-labelledby="{ids}"' in svg
        for part in ids.split():
            assert f'id="{part}"' in html
    assert "<b>M</b>" not in html and "&lt;b&gt;M&lt;/b&gt;" in html


def test_a_sparkline_is_a_small_trend_without_text():
    values = [1798, 2368, 2100, 1900, 2500, 2600, 2400, 2450]
    spark = charts.sparkline_layout(values)
    assert (spark.width, spark.height) == (120, 28)
    xy = coordinates(spark.line)
    assert len(xy) == 8 and xy[-1] == spark.last
    assert all(0 <= x <= 120 and 0 <= y <= 28 for x, y in xy)
    assert min(y for _, y in xy) == xy[values.index(max(values))][1]  # the highest is at the top
    html = str(render("sparkline", spark))
    assert 'aria-hidden="true"' in html and "<text" not in html
    titled = str(render("sparkline", charts.sparkline_layout(values, title="Rising")))
    assert 'role="img"' in titled and "<title>Rising</title>" in titled
    assert charts.sparkline_layout([]) is None and str(render("sparkline", None)).strip() == ""
    level = charts.sparkline_layout([5, 5, 5])
    assert {y for _, y in coordinates(level.line)} == {14}


def test_what_the_indicators_call_draws():
    """Quarterly values with amber and red thresholds, no bands; a sparkline of the last 8."""
    series = quarters([1798, 1900, 2050, 2368, 2200, 2300, 2500, 2450, 2600])
    chart = charts.line_chart_layout(
        "Referrals to children's social care",
        [series],
        thresholds=[Threshold(2400, "Amber", "#f47738"), Threshold(2800, "Red", "#d4351c")],
        whole_numbers=True,
    )
    assert chart.description.startswith("Referrals: 1,798 in 2013-14 Q1 to 2,600 in 2015-16 Q1")
    assert "Amber at 2,400" in chart.description
    assert chart.wide.y_ticks[-1][1].text == "3,000"  # the red line is inside the plot
    assert [t.text for t in chart.wide.side_labels] == ["Red", "Amber"]
    spark = charts.sparkline_layout([p.value for p in series.points[-8:]])
    assert len(coordinates(spark.line)) == 8


# The risk page's score history chart.


@pytest.fixture
def scored_risk(app):
    """SG-01 raised 400 days ago and rescored twice, with a meeting that agreed the register
    (its title has markup in it) and one that did not."""
    with app.app_context():
        raised = now_utc() - timedelta(days=400)
        risk = make_risk(current=(3, 4), target=(2, 3), at=raised)
        services.rescore_risk(
            risk, {"current": services.Scoring(4, 4)}, "Vacancies", at=raised + timedelta(days=100)
        )
        services.rescore_risk(
            risk,
            {"current": services.Scoring(2, 4), "target": services.Scoring(1, 3)},
            "Recruited",
            at=raised + timedelta(days=300),
        )
        db.session.commit()
        held = (raised + timedelta(days=200)).date()
        agreed_at = datetime.combine(held, datetime.min.time()) + timedelta(hours=15)
        make_meeting(held, title="<script>alert(1)</script> board", agreed_at=agreed_at)
        make_meeting(held + timedelta(days=30), title="Not agreed")
    return "SG-01"


def test_the_risk_page_draws_its_score_history_above_the_table(scored_risk, login):
    html = login("member").get(f"/risks/{scored_risk}").text
    history = html.split('id="history"', 1)[1].split('id="controls"', 1)[0]
    chart, table = history.split('<table class="govuk-table rr-history" id="score-history">', 1)
    assert '<figure class="rr-chart" id="score-history-chart">' in chart
    for name in ("wide", "narrow"):
        svg = re.search(rf'<svg class="rr-chart__svg rr-chart__svg--{name}"[^>]*>', chart).group(0)
        labelled = f"score-history-chart-{name}-title score-history-chart-{name}-desc"
        assert 'role="img"' in svg and f'aria-labelledby="{labelled}"' in svg
        assert 'aria-details="score-history"' in svg
        title = re.search(rf'<title id="score-history-chart-{name}-title">(.*?)</title>', chart)
        assert title.group(1) == "SG-01: current and target score over time"
        desc = re.search(rf'<desc id="score-history-chart-{name}-desc">(.*?)</desc>', chart)
        assert "; target score 6 Moderate on" in desc[1] and "then 3 Low since" in desc[1]
        assert re.match(
            r"Current score 12 High on .*, then 8 High since .* \(3 scorings\)", desc[1]
        )
        assert "; 1 board meeting at which the register was agreed marked;" in desc[1]
    wide = chart.split("rr-chart__svg--wide", 1)[1].split("</svg>", 1)[0]
    assert re.findall(r'data-series="([^"]+)"', wide) == ["Current score", "Target score"]
    assert wide.count('class="rr-chart__band"') == 4  # the default scheme's bands
    for band in ("Low", "Moderate", "High", "Extreme"):
        assert f">{band}</text>" in wide
    # The agreed meeting is marked, its markup as text; the meeting that agreed nothing is not.
    assert wide.count('class="rr-chart__marker"') == 1
    assert "&lt;script&gt;alert(1)&lt;/script&gt; board" in wide
    assert "<script>alert(1)" not in html and "Not agreed" not in chart
    # The table is still there, every assessment in it.
    assert table.count('<tr class="govuk-table__row">') == 1 + 3 + 1 + 2  # the head, then 6 rows


def test_the_chart_adds_one_statement_however_many_meetings_and_rescores(scored_risk, app, login):
    client = login("member")
    before = request_statements(app, client, [f"/risks/{scored_risk}"])
    with app.app_context():
        risk = db.session.scalar(select(Risk).where(Risk.ref == scored_risk))
        for n in range(6):
            services.rescore_risk(risk, {"current": services.Scoring(n % 5 + 1, 2)}, f"R{n}")
            make_meeting(clock.today() - timedelta(days=n + 1), f"Board {n}", agreed_at=now_utc())
        db.session.commit()
    assert request_statements(app, client, [f"/risks/{scored_risk}"]) == before
