"""The data set's pure rules: periods, a year's figure from its periods, changes in words and
thresholds (riskreg/domain/indicators.py)."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from riskreg.domain import ReportingYear
from riskreg.domain import indicators as rules

Y2013 = ReportingYear(2013)


@pytest.mark.parametrize(
    "text, code, label",
    [
        ("2014-03", "2014-03", "March 2014"),
        ("March 2014", "2014-03", "March 2014"),
        ("mar 2014", "2014-03", "March 2014"),
        ("2013-14 Q1", "2013-14 Q1", "Q1 2013-14 (April to June 2013)"),
        ("Q4 2013-14", "2013-14 Q4", "Q4 2013-14 (January to March 2014)"),
        ("  2013-14   q2 ", "2013-14 Q2", "Q2 2013-14 (July to September 2013)"),
        ("2013-14", "2013-14", "2013-14"),
        ("1999-00", "1999-00", "1999-00"),
    ],
)
def test_periods_are_read_as_people_write_them(text, code, label):
    period = rules.parse_period(text)
    assert (period.code, period.label) == (code, label)
    assert rules.parse_period(period.code) == period


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "Enter the period"),
        ("2013-15", "neither a month"),
        ("2014-13", "neither a month"),
        ("2014-00", "neither a month"),
        ("Q5 2013-14", "not a period"),
        ("2013-15 Q1", "not a financial year"),
        ("Sept 2014", "not a period"),
        ("1850-51", "between"),
        ("last quarter", "not a period"),
    ],
)
def test_a_period_that_is_not_one_says_why(text, message):
    with pytest.raises(ValueError, match=message):
        rules.parse_period(text)


def test_financial_quarters_start_in_april_and_the_fourth_ends_the_year():
    quarters = rules.periods_of_year(Y2013, "quarter")
    assert [q.start for q in quarters] == [
        date(2013, 4, 1), date(2013, 7, 1), date(2013, 10, 1), date(2014, 1, 1)
    ]  # fmt: skip
    assert quarters[-1].end == Y2013.end
    assert all(q.year == Y2013 for q in quarters)
    months = rules.periods_of_year(Y2013, "month")
    assert (months[0].code, months[-1].code, len(months)) == ("2013-04", "2014-03", 12)


def test_shifting_periods_a_year_and_one_back():
    q1 = rules.quarter(Y2013, 1)
    assert q1.previous().code == "2012-13 Q4"
    assert q1.a_year_before().code == "2012-13 Q1"
    assert rules.month(2014, 1).previous().code == "2013-12"
    assert rules.financial_year(Y2013).a_year_before().code == "2012-13"


def quarter_values(*values, year=Y2013):
    return {rules.quarter(year, n + 1): v for n, v in enumerate(values) if v is not None}


def test_a_flow_sums_its_quarters_and_says_when_some_are_missing():
    figure = rules.year_figure(Y2013, "quarterly", "sum", quarter_values(1500, 1510, 1480, 1524))
    assert (figure.value, figure.complete) == (6014, True)
    part = rules.year_figure(Y2013, "quarterly", "sum", quarter_values(1500, None, 1480))
    assert (part.value, part.periods, part.expected, part.complete) == (2980, 2, 4, False)
    assert rules.year_figure(Y2013, "quarterly", "sum", {}) is None


def test_a_stock_is_the_value_at_the_end_of_the_year():
    values = quarter_values(290, 310, 320, 304)
    assert rules.year_figure(Y2013, "quarterly", "end", values).value == 304
    assert rules.year_figure(Y2013, "quarterly", "end", quarter_values(290, 310, 320)) is None
    months = {rules.month(2014, 3): 754, rules.month(2014, 2): 760}
    assert rules.year_figure(Y2013, "monthly", "end", months).value == 754


def test_an_entered_figure_is_the_years_own_value_whatever_the_quarters_say():
    values = {**quarter_values(40, 45, 50, 35), rules.financial_year(Y2013): 170}
    assert rules.year_figure(Y2013, "quarterly", "entered", values).value == 170
    assert rules.year_figure(Y2013, "quarterly", "entered", quarter_values(1, 2, 3, 4)) is None
    assert rules.year_figure(Y2013, "yearly", "sum", {rules.financial_year(Y2013): 40}).value == 40


def test_the_seeds_notifications_rose_32_percent_not_50():
    change = rules.Change(2368, 1798, "count")
    assert round(change.percent) == 32
    assert change.words("in the previous year") == "up 32 % from 1,798 in the previous year"


@pytest.mark.parametrize(
    "now, before, unit, words",
    [
        (304, 304, "count", "unchanged from 304 a year before"),
        (90, 100, "count", "down 10 % from 100 a year before"),
        (1001, 1000, "count", "up less than 1 % from 1,000 a year before"),
        (5, 0, "count", "up by 5 from 0 a year before"),
        (45.5, 43, "percentage", "up 2.5 percentage points from 43% a year before"),
        (42, 43, "percentage", "down 1 percentage point from 43% a year before"),
        (38.2, 40, "rate", "down 4 % from 40 per 10,000 children a year before"),
    ],
)
def test_changes_in_words(now, before, unit, words):
    assert rules.Change(now, before, unit).words("a year before") == words


@pytest.mark.parametrize(
    "value, expected",
    [(2368, "2,368"), (45.5, "45.5"), (45.25, "45.25"), (1e6, "1,000,000"), (0, "0")],
)
def test_numbers_have_thousands_separators(value, expected):
    assert rules.number(value) == expected


def test_level_thresholds_follow_the_polarity():
    worse = rules.Thresholds("up_worse", amber=330, red=360)
    assert [worse.level(v) for v in (300, 330, 359, 360)] == ["within", "amber", "amber", "red"]
    better = rules.Thresholds("up_better", amber=80, red=60)
    assert [better.level(v) for v in (90, 80, 61, 60)] == ["within", "amber", "amber", "red"]
    assert rules.Thresholds("neither").level(10) == "none"
    # Levels mean nothing where neither way is worse; only a change threshold counts there.
    assert rules.Thresholds("neither", amber=5, change_percent=20).level(10) == "within"


def test_a_change_threshold_counts_the_worse_way_or_either_way_for_neither():
    rise, fall = rules.Change(125, 100, "count"), rules.Change(75, 100, "count")
    assert rules.Thresholds("up_worse", change_percent=20).adverse_change(rise)
    assert not rules.Thresholds("up_worse", change_percent=20).adverse_change(fall)
    assert rules.Thresholds("up_better", change_percent=20).adverse_change(fall)
    assert not rules.Thresholds("up_better", change_percent=30).adverse_change(fall)
    neither = rules.Thresholds("neither", change_percent=20)
    assert neither.adverse_change(rise) and neither.adverse_change(fall)
    assert not neither.adverse_change(None)
    assert not neither.adverse_change(rules.Change(5, 0, "count"))  # no percentage from zero


def test_alerting_values_are_those_past_a_level_or_moved_adversely():
    t = rules.Thresholds("up_worse", amber=650, change_percent=20)
    values = {
        **quarter_values(432, 467, 450, 449, year=ReportingYear(2012)),
        **quarter_values(568, 616, 500, 600),
        rules.quarter(ReportingYear(2014), 1): 700,
    }
    found = rules.alerting_values(values, "count", t)
    assert sorted(p.code for p in found) == [
        "2013-14 Q1", "2013-14 Q2", "2013-14 Q4", "2014-15 Q1"
    ]  # fmt: skip
    assert found[rules.quarter(ReportingYear(2014), 1)].level == "amber"
    assert rules.alerting_values(values, "count", rules.Thresholds("up_worse")) == {}


def test_thresholds_that_contradict_their_polarity_are_refused():
    assert "red" in rules.thresholds_problem(rules.Thresholds("up_worse", amber=10, red=5))
    assert "red" in rules.thresholds_problem(rules.Thresholds("up_better", amber=5, red=10))
    assert "amber" in rules.thresholds_problem(rules.Thresholds("neither", amber=5))
    assert "change_percent" in rules.thresholds_problem(
        rules.Thresholds("up_worse", change_percent=0)
    )
    assert rules.thresholds_problem(rules.Thresholds("up_worse", amber=5, red=10)) == {}


def test_values_that_cannot_be_a_figure_say_why():
    assert rules.value_problem(3.5, "count") == "A count is a whole number"
    assert rules.value_problem(101, "percentage") == "A percentage is at most 100"
    assert rules.value_problem(-1, "rate") == "The value cannot be negative"
    assert "2 decimal places" in rules.value_problem(1.234, "rate")
    assert rules.value_problem(1e12, "count") == "The value is too large: check it"
    assert rules.value_problem(38.25, "rate") is None
    assert rules.parse_value("2,368") == 2368
    assert rules.parse_value(" 45.5% ") == 45.5
    for bad in ("", "lots", "nan", "inf", "1e400", "--1"):
        with pytest.raises(ValueError):
            rules.parse_value(bad)


@given(st.text(max_size=40))
def test_any_text_is_a_period_or_a_clear_refusal(text):
    try:
        period = rules.parse_period(text)
    except ValueError as error:
        assert str(error)
    else:
        assert rules.parse_period(period.code) == period
        assert period.start <= period.end


@given(st.text(max_size=40))
def test_any_text_is_a_value_or_a_clear_refusal(text):
    try:
        value = rules.parse_value(text)
    except ValueError as error:
        assert str(error)
    else:
        for unit in rules.UNIT_WORDS:
            problem = rules.value_problem(value, unit)
            assert problem is None or problem.endswith(
                ("number", "100", "negative", "it", "places")
            )
            if problem is None:
                assert rules.figure(value, unit)


@given(st.lists(st.integers(0, 100_000), min_size=4, max_size=4))
def test_a_summed_year_is_the_sum_of_its_quarters(values):
    figure = rules.year_figure(Y2013, "quarterly", "sum", quarter_values(*values))
    assert figure.value == sum(values) and figure.complete
