"""The pure domain core: scores, bands, review dates, direction of travel, the register as at."""

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from oracle import register_as_at

from riskreg import domain
from riskreg.domain import dates

SCHEME = domain.Scheme.from_data(1, **domain.default_scheme_data())
levels = st.integers(min_value=1, max_value=5)
scores = st.integers(min_value=1, max_value=25) | st.none()


@given(levels, levels)
def test_every_likelihood_and_impact_falls_in_exactly_one_band(likelihood, impact):
    score = domain.score_of(likelihood, impact)
    assert score == likelihood * impact
    holders = [b for b in SCHEME.bands if b.min <= score <= b.max]
    assert len(holders) == 1
    assert SCHEME.band_for(score) == holders[0]


@pytest.mark.parametrize(
    ("score", "band"),
    [(1, "Low"), (3, "Low"), (4, "Moderate"), (6, "Moderate"), (8, "High"), (12, "High"),
     (15, "Extreme"), (25, "Extreme")],
)  # fmt: skip
def test_default_bands_follow_the_nhs_matrix(score, band):
    assert SCHEME.band_for(score).name == band


@given(st.integers(), st.integers())
def test_scores_outside_one_to_six_are_refused(likelihood, impact):
    """Six levels each way is the widest scheme; each scheme narrows it to its own size."""
    if likelihood in range(1, 7) and impact in range(1, 7):
        assert domain.score_of(likelihood, impact) == likelihood * impact
    else:
        with pytest.raises(ValueError):
            domain.score_of(likelihood, impact)


def test_band_problems_finds_gaps_and_overlaps():
    assert domain.band_problems(domain.DEFAULT_BANDS) == []
    gap = [dict(b) for b in domain.DEFAULT_BANDS]
    gap[1]["max"] = 5  # 6 is now in no band
    assert domain.band_problems(gap) == ["Score 6 is in no band"]
    overlap = [dict(b) for b in domain.DEFAULT_BANDS]
    overlap[2]["min"] = 6
    assert domain.band_problems(overlap) == ["Score 6 is in more than one band (Moderate, High)"]


def test_band_text_colour_is_readable():
    colours = {b.name: b.text_colour for b in SCHEME.bands}
    assert colours == {"Low": "#ffffff", "Moderate": "#0b0c0c", "High": "#0b0c0c",
                       "Extreme": "#ffffff"}  # fmt: skip


@pytest.mark.parametrize(
    ("score", "due"),
    [(2, date(2027, 1, 31)), (5, date(2026, 7, 31)), (9, date(2026, 4, 30)),
     (20, date(2026, 2, 28))],
)  # fmt: skip
def test_review_due_follows_the_band_interval(score, due):
    assert domain.review_due(date(2026, 1, 31), SCHEME.band_for(score)) == due


def test_extreme_risks_are_reviewed_at_the_next_meeting():
    extreme = SCHEME.band_for(20)
    assert domain.review_due(date(2026, 1, 10), extreme, date(2026, 1, 20)) == date(2026, 1, 20)


@given(scores, scores)
def test_direction_of_travel_is_antisymmetric(now, before):
    forward = domain.direction_of_travel(now, before)
    backward = domain.direction_of_travel(before, now)
    if now is None or before is None:
        assert forward == backward == "new"
    else:
        assert (forward, backward) in {("up", "down"), ("down", "up"), ("same", "same")}
        assert (forward == "up") == (now > before)


START = datetime(2026, 1, 1, 9)


def fact(risk_id, kind, likelihood, impact, days, fact_id):
    return domain.ScoreFact(
        id=fact_id,
        risk_id=risk_id,
        kind=kind,
        likelihood=likelihood,
        impact=impact,
        score=likelihood * impact,
        scheme_version=1,
        created_at=START + timedelta(days=days),
    )


def risk(risk_id, created_days=0, closed_days=None, **fields):
    values = {
        "id": risk_id,
        "ref": f"SG-{risk_id:02d}",
        "title": f"Risk {risk_id}",
        "statement": "",
        "section_id": 1,
        "section_name": "Safeguarding risks and challenges",
        "section_prefix": "SG",
        "section_position": 1,
        "appetite": None,
        "owner_name": "",
        "owner_role": "",
        "lead_agency": "",
        "partner_agencies": "",
        "priority": "",
        "status": "open" if closed_days is None else "closed",
        "created_at": START + timedelta(days=created_days),
        "closed_at": None if closed_days is None else START + timedelta(days=closed_days),
        "closed_reason": "",
        "target_date": None,
        "next_review": None,
        "version": 1,
    }
    return domain.RiskFact(**{**values, **fields})


def test_register_as_at_uses_the_scores_of_the_moment():
    risks = [risk(1), risk(2, created_days=5), risk(3, closed_days=8)]
    facts = [
        fact(1, "current", 4, 4, 0, 1),
        fact(2, "current", 2, 2, 5, 2),
        fact(3, "current", 3, 3, 0, 3),
        fact(1, "current", 2, 4, 10, 4),
    ]
    day = lambda n: START + timedelta(days=n, hours=1)  # noqa: E731

    at_3 = register_as_at(risks, facts, {1: SCHEME}, day(3))
    assert [(r.ref, r.current.score, r.direction) for r in at_3] == [
        ("SG-01", 16, "new"),
        ("SG-03", 9, "new"),
    ]
    at_12 = register_as_at(risks, facts, {1: SCHEME}, day(12))
    assert [(r.ref, r.current.score, r.direction) for r in at_12] == [
        ("SG-01", 8, "down"),
        ("SG-02", 4, "new"),
    ]
    # Against the register agreed on day 6, SG-02 (raised on day 5) has a baseline too.
    agreed = register_as_at(risks, facts, {1: SCHEME}, day(12), baseline_at=day(6))
    assert [(r.ref, r.baseline_score, r.direction) for r in agreed] == [
        ("SG-01", 16, "down"),
        ("SG-02", 4, "same"),
    ]


def test_past_target_and_appetite_flags():
    row = domain.build_row(
        risk(1, target_date=date(2026, 1, 5), next_review=date(2026, 1, 2), appetite=8),
        {"current": fact(1, "current", 3, 4, 0, 1), "target": fact(1, "target", 2, 2, 0, 2)},
        None,
        {1: SCHEME},
        today=date(2026, 1, 6),
    )
    assert (row.past_target, row.review_overdue, row.above_appetite) == (True, True, True)


def test_heatmap_cells_place_each_row_by_its_basis():
    rows = [
        domain.build_row(risk(1), {"current": fact(1, "current", 3, 4, 0, 1),
                                   "target": fact(1, "target", 1, 4, 0, 2)}, None, {1: SCHEME},
                         today=date(2026, 1, 6)),
        domain.build_row(risk(2), {}, None, {1: SCHEME}, today=date(2026, 1, 6)),
    ]  # fmt: skip
    cells = domain.heatmap_cells(rows, "current", SCHEME)
    assert len(cells) == 25
    assert [r.ref for r in cells[(3, 4)]] == ["SG-01"]
    assert sum(len(v) for v in cells.values()) == 1  # the unscored risk is left out
    assert [r.ref for r in domain.heatmap_cells(rows, "target", SCHEME)[(1, 4)]] == ["SG-01"]
    with pytest.raises(ValueError):
        domain.heatmap_cells(rows, "sideways", SCHEME)


# --- Adopting a scheme version ---------------------------------------------------------------


def adoption_row(ref, current, inherent=None):
    v1 = domain.Scheme.from_data(1, domain.DEFAULT_LIKELIHOOD, domain.DEFAULT_IMPACT,
                                 domain.DEFAULT_BANDS)  # fmt: skip

    def view(pair):
        score = pair[0] * pair[1]
        return domain.ScoreView(pair[0], pair[1], score, v1.band_for(score), 1)

    risk = domain.RiskFact(1, ref, "Title", "", 1, "Safeguarding", "SG", 1, None, "", "", "", "",
                           "", "open", datetime(2026, 1, 1), None, "", None, None, 1)  # fmt: skip
    return domain.RegisterRow(risk, inherent and view(inherent), view(current), None, None, "same")


def test_only_scorings_whose_band_name_changes_are_recorded_again():
    bands = [dict(b) for b in domain.DEFAULT_BANDS]
    bands[2]["max"], bands[3]["min"] = 10, 12  # High 8-10, Extreme 12-25
    bands[2]["colour"] = "#ff0000"  # a new colour alone is no change of band
    v2 = domain.Scheme.from_data(2, domain.DEFAULT_LIKELIHOOD, domain.DEFAULT_IMPACT, bands)
    rows = [adoption_row("SG-01", (3, 4), inherent=(4, 3)), adoption_row("SG-02", (3, 3))]
    changes = domain.band_changes(rows, v2)
    assert [(c.row.ref, c.kind, c.before.name, c.after.name) for c in changes] == [
        ("SG-01", "inherent", "High", "Extreme"),
        ("SG-01", "current", "High", "Extreme"),
    ]
    counts = {c.name: (c.before, c.after) for c in domain.band_counts(rows, v2)}
    assert counts == {"Extreme": (0, 1), "High": (2, 1), "Moderate": (0, 0), "Low": (0, 0)}


def test_a_band_the_new_version_drops_is_still_counted_as_it_is_now():
    bands = [dict(b) for b in domain.DEFAULT_BANDS if b["name"] != "Moderate"]
    bands[0]["max"] = 6  # Low now 1-6
    v2 = domain.Scheme.from_data(2, domain.DEFAULT_LIKELIHOOD, domain.DEFAULT_IMPACT, bands)
    counts = domain.band_counts([adoption_row("SG-01", (2, 2))], v2)
    assert [(c.name, c.before, c.after) for c in counts] == [
        ("Extreme", 0, 0), ("High", 0, 0), ("Low", 0, 1), ("Moderate", 1, 0),
    ]  # fmt: skip


@given(levels, levels)
def test_a_score_view_is_the_score_with_its_band_under_the_scheme(likelihood, impact):
    view = SCHEME.score_view(likelihood, impact)
    assert view.score == likelihood * impact and view.scheme_version == SCHEME.version
    assert view.band == SCHEME.band_for(view.score)


@given(st.dates(min_value=date(1000, 1, 1)))
def test_a_date_written_any_way_riskreg_writes_one_reads_back(day):
    assert dates.parse_date(day.isoformat()) == day
    assert dates.parse_date(f"{day.day}/{day.month}/{day.year}") == day
    assert dates.date_from_parts(*dates.date_parts(day)) == day


@pytest.mark.parametrize(
    ("text", "uk", "error"),
    [("2027-02-30", True, ValueError), ("30/2/2027", True, ValueError),
     ("31/03/2027", False, dates.NotADate), ("2027-3-31", True, dates.NotADate),
     ("tomorrow", True, dates.NotADate), ("", True, dates.NotADate)],
)  # fmt: skip
def test_text_that_is_no_date_is_refused(text, uk, error):
    with pytest.raises(error) as raised:
        dates.parse_date(text, uk=uk)
    assert raised.type is error  # a day that does not exist is not "no date at all"
