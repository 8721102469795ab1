"""The board's own matrix: a scheme of 3 to 6 levels each way, chosen while nothing is scored,
and the forms, services, heat map and documents drawn from it."""

import re
from datetime import timedelta

import pytest
from helpers import make_risk, table_counts
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from riskreg import domain
from riskreg.clock import now_utc
from riskreg.extensions import db
from riskreg.models import Assessment, SchemeDraft, ScoringScheme
from riskreg.readmodel import active_scheme

SIZES = st.tuples(st.sampled_from(domain.SIZES), st.sampled_from(domain.SIZES))


@st.composite
def bands_of_a_size(draw):
    """A size, and bands that split 1 to its highest score into runs (every score, once)."""
    size = draw(SIZES)
    highest = size[0] * size[1]
    cuts = sorted(draw(st.sets(st.integers(2, highest), max_size=6)))
    edges = [1, *cuts, highest + 1]
    bands = [
        {"name": f"B{n}", "min": low, "max": high - 1}
        for n, (low, high) in enumerate(zip(edges, edges[1:], strict=False))
    ]
    return size, bands


@given(bands_of_a_size())
def test_bands_that_run_without_a_break_cover_every_score_of_any_size_once(case):
    size, bands = case
    assert domain.band_problems(bands, size) == []
    # Taking one possible score out of its band leaves it uncovered, said by name.
    score = domain.possible_scores(*size)[-1]
    holder = next(b for b in bands if b["min"] <= score <= b["max"])
    holder["max"] = score - 1
    if holder["min"] <= holder["max"]:
        assert f"Score {score} is in no band" in domain.band_problems(bands, size)


@pytest.mark.parametrize("size", sorted(domain.PRESETS))
def test_each_preset_is_a_whole_scheme_of_its_size(size):
    data = domain.preset(size)
    scheme = domain.Scheme.from_data(1, **data)
    assert scheme.size == size
    assert domain.band_problems(data["bands"], size) == []
    assert scheme.max_score == size[0] * size[1] == data["bands"][-1]["max"]


def test_a_scheme_refuses_a_level_it_does_not_have():
    scheme = domain.Scheme.from_data(1, **domain.preset((4, 4)))
    assert scheme.score_view(4, 4).score == 16
    assert scheme.scoring_problem(5, 1) == "The likelihood must be a whole number from 1 to 4"
    with pytest.raises(ValueError):
        scheme.score_view(1, 5)


def scheme_form(likelihood_labels=""):
    """The active version of the scheme as its edit form posts it, with short labels for the
    likelihood levels if given: (the version's row, the form's fields)."""
    row = db.session.scalars(select(ScoringScheme).order_by(ScoringScheme.version.desc())).first()
    post = {"base_version": str(row.version), "draft_id": ""}
    for kind in ("likelihood", "impact"):
        for n, level in enumerate(getattr(row, kind)):
            post[f"{kind}-{n}-name"] = level["name"]
            post[f"{kind}-{n}-descriptor"] = level["descriptor"]
            if kind == "likelihood" and likelihood_labels:
                post[f"{kind}-{n}-label"] = likelihood_labels[n]
    for n, band in enumerate(row.bands):
        for key in ("name", "min", "max", "colour", "review_months", "response"):
            post[f"bands-{n}-{key}"] = str(band[key])
    return row, post


def choose(client, size: str):
    return client.post("/admin/scheme/size", data={"size": size})


def test_on_an_empty_register_the_admin_chooses_4_by_4_and_everything_follows(app, login):
    client = login("admin")
    page = client.get("/admin/scheme/size")
    assert (
        page.status_code == 200 and "4 × 4" in page.text and "No risk has been scored" in page.text
    )
    assert choose(client, "4x4").status_code == 302
    with app.app_context():
        scheme = active_scheme()
        assert scheme.size == (4, 4) and scheme.version == 2
        make_risk(inherent=(4, 4), current=(3, 2), target=(1, 1))
        with pytest.raises(ValueError, match="from 1 to 4"):
            make_risk(current=(5, 1))
        db.session.rollback()
    heatmap = client.get("/heatmap").text
    assert heatmap.count("rr-hm-compact__cell ") == 16  # a 4 x 4 grid
    assert "Very low" in heatmap and "Critical" in heatmap
    assert client.get("/admin/scheme").text.count("4 × 4") >= 1


def test_a_form_refuses_a_level_beyond_the_scheme_beside_the_field_and_writes_nothing(app, login):
    assert choose(login("admin"), "3x3").status_code == 302
    client = login("manager")
    with app.app_context():
        ref = make_risk(inherent=(3, 3), current=(2, 2), target=(1, 1)).ref
        before = table_counts()
    form = client.get(f"/risks/{ref}/rescore").text
    assert 'value="3"' in form and 'value="4"' not in form  # the radios offer 1 to 3
    version = re.search(r'name="version" type="hidden" value="(\d+)"', form)[1]
    data = {"current_likelihood": "4", "current_impact": "2", "rationale": "Worse"}
    answer = client.post(f"/risks/{ref}/rescore", data={**data, "version": version})
    assert answer.status_code == 400
    assert "Current likelihood must be a whole number from 1 to 3" in answer.text
    with app.app_context():
        assert table_counts() == before


def test_once_a_risk_is_scored_the_size_cannot_change(app, login):
    client = login("admin")
    with app.app_context():
        make_risk()
        before = table_counts()
    assert "Why the size cannot change" in client.get("/admin/scheme").text
    answer = choose(client, "4x4")
    assert answer.status_code == 409
    assert "The size cannot change now: risks have been scored" in answer.text
    with app.app_context():
        assert table_counts() == before
        assert active_scheme().size == (5, 5)


@pytest.mark.parametrize("size", ["7x7", "2x2", "", "5x5x5", "<b>4x4</b>"])
def test_a_size_not_offered_is_refused(app, login, size):
    client = login("admin")
    with app.app_context():
        before = db.session.scalar(select(func.count(ScoringScheme.id)))
    answer = choose(client, size)
    assert answer.status_code == 400 and "Choose the size of the matrix" in answer.text
    with app.app_context():
        assert db.session.scalar(select(func.count(ScoringScheme.id))) == before


def test_on_4_by_4_bands_and_appetite_stop_at_16(app, login):
    client = login("admin")
    choose(client, "4x4")
    section = {"name": "Early help", "prefix": "EH", "appetite": "17", "position": "3"}
    answer = client.post("/admin/sections/new", data=section)
    assert answer.status_code == 400 and "Risk appetite must be between 1 and 16" in answer.text
    with app.app_context():
        row, post = scheme_form()
    post[f"bands-{len(row.bands) - 1}-max"] = "25"
    answer = client.post("/admin/scheme/edit", data=post)
    assert answer.status_code == 400 and "Highest score must be between 1 and 16" in answer.text
    post[f"bands-{len(row.bands) - 1}-max"] = "16"
    post["likelihood-4-name"], post["likelihood-4-descriptor"] = "Extra", "A fifth level"
    answer = client.post("/admin/scheme/edit", data=post)
    assert answer.status_code == 400 and "change its size on its own page" in answer.text
    with app.app_context():
        assert db.session.scalar(select(func.count(Assessment.id))) == 0


def test_a_level_may_carry_a_short_label_shown_on_the_heat_map(app, login):
    client = login("admin")
    with app.app_context():
        _, post = scheme_form(likelihood_labels="ABCDE")
    bad = dict(post, **{"likelihood-0-label": "<b>"})
    answer = client.post("/admin/scheme/edit", data=bad)
    assert answer.status_code == 400 and "1 to 3 letters or digits" in answer.text
    assert client.post("/admin/scheme/edit", data=post).status_code == 302
    with app.app_context():
        draft_id = db.session.scalar(select(SchemeDraft.id))
    adopted = client.post("/admin/scheme/draft", data={"draft_id": draft_id, "adopt": "Adopt"})
    assert adopted.status_code == 302
    heatmap = client.get("/heatmap").text
    for label in "ABCDE":  # the likelihood axis, down the side of the grid
        assert re.search(rf'font-size="15" fill="#0b0c0c">{label}</text>', heatmap), label


@pytest.mark.parametrize("size", ["4x4", "6x4", "3x3"])
def test_the_summary_annual_report_and_markdown_are_drawn_on_the_chosen_grid(app, login, size):
    likelihood, impact = map(int, size.split("x"))
    choose(login("admin"), size)
    client = login("member")
    with app.app_context():  # raised in the last complete year, which the report shows
        raised = now_utc() - timedelta(days=400)
        make_risk(inherent=(likelihood, impact), current=(2, impact), target=(1, 1), at=raised)
    cells = likelihood * impact
    assert client.get("/summary").text.count("rr-hm-compact__cell ") == cells
    assert client.get("/report/risks-and-challenges").text.count("rr-hm-compact__cell ") == cells
    markdown = client.get("/report/risks-and-challenges.md").text
    grid = markdown[markdown.index("| Likelihood ↓") :].split("\n\n")[0].splitlines()
    assert len(grid) == 2 + likelihood  # the heading row, the rule, a row per level
    assert all(line.count(" | ") == impact for line in grid[2:])
