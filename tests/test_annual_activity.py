"""The annual report's "Summary of safeguarding activity": the demo's figures are the seed
report's, word for word, and every change the report states is worked out from the figures."""

import io
import json
import re
from pathlib import Path

import pytest
from docx import Document
from helpers import enter_value, make_indicator

from riskreg import clock
from riskreg.domain import last_complete_year
from riskreg.indicators.data import all_series

REPORT = "/report/risks-and-challenges"
SEED = json.loads((Path(__file__).parent / "data" / "seed-activity.json").read_text())
# "2,368, up 32 % from 1,798 in the previous year": the figure, then the stated change.
STATED = re.compile(
    r": ([\d,.]+)(?: at [^,]+)?, (up|down) (\d+|less than 1) % from ([\d,.]+) in the previous year"
)


def number(text: str) -> float:
    return float(text.replace(",", ""))


def check_stated_changes(lines: list[str]) -> int:
    """Every "up N % from X" agrees with its own figures; returns how many were checked."""
    checked = 0
    for line in lines:
        for now, way, percent, before in STATED.findall(line):
            now, before = number(now), number(before)
            assert way == ("up" if now > before else "down"), line
            exact = abs(now - before) / before * 100
            if percent == "less than 1":
                assert exact < 0.5, line
            else:
                assert int(percent) == round(exact), line
            checked += 1
    return checked


@pytest.fixture
def demo_year(demo, ctx):
    return last_complete_year(clock.today()).label


def test_the_seed_figures_are_quoted_word_for_word(ctx):
    for code, (sentence, figure) in SEED["figures"].items():
        assert re.search(rf"\b{figure}\b", sentence), code
    assert "1798" in SEED["figures"]["DA-NOTIFY"][0]


def test_the_demo_data_set_forms_the_seed_figures_by_each_indicators_rule(demo_year):
    year = last_complete_year(clock.today())
    series = {s.indicator.code: s for s in all_series()}
    assert set(series) == set(SEED["figures"])
    for code, (_, figure) in SEED["figures"].items():
        found = series[code].year(year)
        assert found.value == figure and found.complete, code
    before = series["DA-NOTIFY"].year(type(year)(year.first - 1))
    assert before.value == SEED["year_before"]["DA-NOTIFY"]
    # Sums of quarters for flows, the value at 31 March for stocks.
    assert series["CONTACTS"].indicator.year_rule == "sum"
    assert series["CP-PLANS"].indicator.year_rule == "end"


def test_the_report_page_opens_with_the_activity_summary(login, demo_year):
    page = login("member").get(f"{REPORT}?year={demo_year}").text
    activity = page.index("Summary of safeguarding activity")
    assert activity < page.index(f"Key risks and challenges {demo_year}</h2>")
    for figure in ("3,262", "304", "754", "6,014", "3,452", "938", "281", "90", "2,368", "170",
                   "204", "376", "35", "989", "40"):  # fmt: skip
        assert f": {figure}" in page, figure
    assert "2,368, up 32 % from 1,798 in the previous year" in page
    items = re.findall(r'<li data-code="[^"]+">([^<]+)</li>', page)
    assert len(items) == 15 and check_stated_changes(items) >= 1


def test_markdown_and_word_say_the_same_and_every_change_agrees_with_the_figures(login, demo_year):
    client = login("member")
    markdown = client.get(f"{REPORT}.md?year={demo_year}").text.splitlines()
    assert markdown[0] == f"## Summary of safeguarding activity {demo_year}"
    assert f"## Key risks and challenges {demo_year}" in markdown
    activity = markdown[: markdown.index(f"## Key risks and challenges {demo_year}")]
    bullets = [line[2:] for line in activity if line.startswith("- ")]
    assert (
        "Domestic abuse notifications involving children: 2,368, up 32 % from 1,798 in the "
        "previous year." in bullets
    )
    assert check_stated_changes(bullets) == 13  # every indicator with a year before
    document = Document(io.BytesIO(client.get(f"{REPORT}.docx?year={demo_year}").data))
    styled = [(p.style.name, p.text) for p in document.paragraphs if p.text]
    headings = [text for style, text in styled if style == "Heading 1"]
    assert headings == [
        f"Summary of safeguarding activity {demo_year}",
        f"Key risks and challenges {demo_year}",
        f"How the board challenged partners {demo_year}",  # the third section, after these
    ]
    word_bullets = [text for style, text in styled if style == "List Bullet"][: len(bullets)]
    assert [b.replace("\\", "") for b in bullets] == word_bullets
    assert check_stated_changes(word_bullets) == 13


def test_a_year_with_missing_quarters_says_so_and_states_no_change(login, ctx):
    indicator = make_indicator("CONTACTS")
    for quarter, value in ((1, 1500), (2, 1510), (3, 1480), (4, 1524)):
        enter_value(indicator, f"2012-13 Q{quarter}", value)
    for quarter, value in ((1, 1600), (2, 1610)):
        enter_value(indicator, f"2013-14 Q{quarter}", value)
    page = login("member").get(f"{REPORT}?year=2013-14").text
    assert "Indicator CONTACTS: 3,210 (2 of 4 quarters entered)." in page
    page = login("member").get(f"{REPORT}?year=2012-13").text
    assert "Indicator CONTACTS: 6,014." in page


def test_a_year_without_figures_says_so(login, ctx):
    page = login("member").get(f"{REPORT}?year=2013-14").text
    assert "The data set has no figures for 2013-14." in page
