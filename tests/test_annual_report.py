"""The annual report's "Key risks and challenges" section: page, Markdown and Word."""

import io
import re
from datetime import date, datetime

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import RGBColor
from helpers import make_risk, request_statements
from sqlalchemy import select

from riskreg import clock
from riskreg.domain import last_complete_year, parse_year
from riskreg.extensions import db
from riskreg.models import Risk, Setting
from riskreg.register import services
from riskreg.reports.annual import DEFAULT_LEAD

REPORT = "/report/risks-and-challenges"
YEAR = "2013-14"


def rescore(ref, likelihood, impact, at):
    risk = db.session.scalar(select(Risk).where(Risk.ref == ref))
    services.rescore_risk(
        risk, {"current": services.Scoring(likelihood, impact)}, "Reviewed", at=at
    )
    db.session.commit()


def close(ref, at):
    risk = db.session.scalar(select(Risk).where(Risk.ref == ref))
    risk.status, risk.closed_at, risk.closed_reason = "closed", at, "Mitigated"
    db.session.commit()


@pytest.fixture
def year_register(ctx):
    """Risks around the 2013-14 year (1 April 2013 to 31 March 2014)."""
    make_risk(
        "SG",
        "Front-line capacity",
        current=(3, 4),
        at=datetime(2012, 6, 1),
        statement="Capacity of front-line services.",
    )  # SG-01
    rescore("SG-01", 5, 4, datetime(2014, 2, 1))  # 20 at the year's end
    rescore("SG-01", 1, 1, datetime(2014, 6, 1))  # after the year: not shown
    make_risk(
        "SG",
        "Health reform",
        current=(2, 3),
        at=datetime(2012, 6, 1),
        statement="Impact of health reform.",
    )  # SG-02, closed during the year
    close("SG-02", datetime(2013, 10, 1, 12))
    make_risk(
        "SG",
        "Old risk",
        current=(4, 4),
        at=datetime(2012, 6, 1),
        statement="Closed before the year.",
    )  # SG-03
    close("SG-03", datetime(2013, 3, 15, 12))
    make_risk(
        "SG",
        "Later risk",
        current=(5, 5),
        at=datetime(2014, 5, 1),
        statement="Raised after the year.",
    )  # SG-04
    make_risk(
        "BR",
        "Conference minutes",
        current=(3, 3),
        at=datetime(2013, 7, 1),
        statement="The lack of timely distribution of conference minutes.",
    )  # BR-01
    make_risk(
        "SG",
        "Family Justice Review",
        current=(3, 3),
        at=datetime(2013, 4, 1, 9),
        statement="the impact of the Family Justice Review.",
    )  # SG-05
    # fmt: skip


def test_reporting_years():
    assert parse_year("2013-14", date(2026, 1, 1)).start == date(2013, 4, 1)
    assert parse_year(" 2013-14 ", date(2026, 1, 1)).end == date(2014, 3, 31)
    assert parse_year("1999-00", date(2026, 1, 1)).end == date(2000, 3, 31)
    # The last complete year: the one that ended on the last 31 March before today.
    assert last_complete_year(date(2026, 3, 31)).label == "2024-25"
    assert last_complete_year(date(2026, 4, 1)).label == "2025-26"
    assert parse_year("", date(2026, 11, 26)).label == "2025-26"
    for bad in ("2013", "2013-15", "13-14", "2013/14", "abcd-ef", "2027-28", "1900-01"):
        with pytest.raises(ValueError):
            parse_year(bad, date(2026, 11, 26))


def item(html: str, ref: str) -> str:
    """The report's list item for a risk."""
    found = re.search(rf'<li data-ref="{ref}">(.*?)</li>', html, re.S)
    assert found, f"{ref} is not listed"
    return found[1]


def test_the_page_lists_the_years_risks_by_section_highest_score_first(login, app, year_register):
    page = login("member").get(f"{REPORT}?year={YEAR}")
    assert page.status_code == 200
    html = page.text
    assert "Key risks and challenges 2013-14" in html
    assert DEFAULT_LEAD in html
    assert html.index("Safeguarding risks and challenges") < html.index(
        "Board risks and challenges"
    )
    # Open at any time in the year: SG-01, SG-05 and BR-01, and SG-02 closed in October.
    for statement in ("Capacity of front-line", "Impact of health reform", "Family Justice"):
        assert statement in html
    assert "Closed before the year." not in html
    assert "Raised after the year." not in html
    assert "(closed 1 October 2013)" in html
    # Scored as at 31 March 2014: SG-01 is 20, highest first, then 9, then 6.
    order = [html.index(s) for s in ("Capacity of front", "Family Justice", "health reform")]
    assert order == sorted(order)
    assert "Current scores, all sections, as at 31 March 2014" in html
    assert "20 Extreme" not in item(html, "SG-01")  # scores only when asked for

    with_scores = login("member").get(f"{REPORT}?year={YEAR}&scores=1&direction=1").text
    assert "20 Extreme" in item(with_scores, "SG-01")
    assert "rr-direction--up" in item(with_scores, "SG-01")
    assert f"{REPORT}.docx?year={YEAR}&amp;scores=1&amp;direction=1" in with_scores


def test_the_lead_paragraph_is_the_boards_setting(login, app, ctx, year_register):
    db.session.add(Setting(key="annual_report_lead", value="Our Board's own words."))
    db.session.commit()
    assert "Our Board&#39;s own words." in login().get(f"{REPORT}?year={YEAR}").text
    assert "Our Board's own words." in login().get(f"{REPORT}.md?year={YEAR}").text


@pytest.mark.parametrize("path", [REPORT, f"{REPORT}.md", f"{REPORT}.docx"])
@pytest.mark.parametrize("year", ["2013", "2013-15", "<script>", "2999-00"])
def test_a_bad_year_is_a_400_with_a_message(login, path, year):
    response = login().get(path, query_string={"year": year})
    assert response.status_code == 400
    assert "year" in response.text.lower()
    assert "<script>" not in response.text
    if path == REPORT:
        assert "<title>Error: Key risks and challenges" in response.text
        assert 'class="govuk-error-summary' in response.text


def test_the_default_year_is_the_last_complete_one(login, ctx):
    label = last_complete_year(clock.today()).label
    response = login().get(REPORT)
    assert response.status_code == 200
    assert f"Key risks and challenges {label}" in response.text
    docx = login().get(f"{REPORT}.docx")
    assert f"key-risks-and-challenges-{label}.docx" in docx.headers["Content-Disposition"]


def test_an_empty_year_says_so(login, ctx):
    page = login().get(f"{REPORT}?year=2001-02")
    assert page.status_code == 200
    assert "No risks were open between 1 April 2001 and 31 March 2002" in page.text
    assert "No risks were open" in login().get(f"{REPORT}.md?year=2001-02").text
    document = Document(io.BytesIO(login().get(f"{REPORT}.docx?year=2001-02").data))
    assert any("No risks were open" in p.text for p in document.paragraphs)


def test_markdown_has_headings_bullets_and_a_heatmap_table(login, year_register):
    response = login().get(f"{REPORT}.md?year={YEAR}&scores=1&direction=1")
    assert response.status_code == 200
    assert response.mimetype == "text/markdown"
    assert (
        'filename="key-risks-and-challenges-2013-14.md"' in response.headers["Content-Disposition"]
    )
    lines = response.text.splitlines()
    assert lines[0] == "## Key risks and challenges 2013-14"
    assert "### Safeguarding risks and challenges" in lines
    assert "### Board risks and challenges" in lines
    bullets = [line for line in lines if line.startswith("- ")]
    assert bullets[0] == "- Capacity of front-line services. (20 Extreme, ↑ worse)"
    assert "- Impact of health reform. (6 Moderate, new, closed 1 October 2013)" in bullets
    assert (
        "| 5 Almost certain | Moderate | High | Extreme | Extreme: **SG-01** | Extreme |" in lines
    )
    assert "| 3 Possible | Low | Moderate | High: **SG-05, BR-01** | High | Extreme |" in lines
    assert "SG-02" not in response.text  # closed before the year's end: not on the heat map


def test_markdown_escapes_what_would_be_markup(login, ctx):
    make_risk("SG", "Odd", statement="A *bold* [link](x) | pipe", at=datetime(2013, 6, 1))
    text = login().get(f"{REPORT}.md?year={YEAR}").text
    assert r"- A \*bold\* \[link\](x) \| pipe" in text


def shading(cell) -> str | None:
    shd = cell._tc.tcPr.find(qn("w:shd")) if cell._tc.tcPr is not None else None
    return None if shd is None else shd.get(qn("w:fill"))


def test_word_has_heading_styles_bullets_and_a_shaded_heatmap_table(login, year_register):
    response = login().get(f"{REPORT}.docx?year={YEAR}&scores=1")
    assert response.status_code == 200
    assert response.mimetype.endswith("wordprocessingml.document")
    document = Document(io.BytesIO(response.data))
    styled = [(p.style.name, p.text) for p in document.paragraphs if p.text]
    assert ("Heading 1", "Key risks and challenges 2013-14") in styled
    assert ("Normal", DEFAULT_LEAD) in styled
    headings = [text for style, text in styled if style == "Heading 2"]
    assert headings[:2] == ["Safeguarding risks and challenges", "Board risks and challenges"]
    bullets = [text for style, text in styled if style == "List Bullet"]
    assert bullets == [
        "Capacity of front-line services. (20 Extreme)",
        "the impact of the Family Justice Review. (9 High)",
        "Impact of health reform. (6 Moderate, closed 1 October 2013)",
        "The lack of timely distribution of conference minutes. (9 High)",
    ]

    heatmap, legend = document.tables
    header = [cell.text for cell in heatmap.rows[0].cells]
    assert header == ["Likelihood ↓ / Impact →", "1 Negligible", "2 Minor", "3 Moderate",
                      "4 Major", "5 Catastrophic"]  # fmt: skip
    assert [row.cells[0].text for row in heatmap.rows[1:]] == [
        "5 Almost certain", "4 Likely", "3 Possible", "2 Unlikely", "1 Rare"]  # fmt: skip
    likely_5 = heatmap.rows[1].cells
    assert likely_5[4].text == "SG-01"
    assert shading(likely_5[4]) == "D4351C"  # 20: Extreme red
    assert likely_5[4].paragraphs[0].runs[0].font.color.rgb == RGBColor(0xFF, 0xFF, 0xFF)
    possible = heatmap.rows[3].cells
    assert possible[3].text == "SG-05, BR-01"
    assert shading(possible[3]) == "F47738"  # 9: High amber
    assert shading(heatmap.rows[5].cells[1]) == "00703C"  # 1: Low green
    assert shading(heatmap.rows[0].cells[1]) is None  # axis labels are not shaded
    assert [row.cells[0].text for row in legend.rows] == ["Low", "Moderate", "High", "Extreme"]
    assert shading(legend.rows[1].cells[0]) == "FFDD00"


def test_statement_count_does_not_grow_with_the_register(login, app):
    client = login()

    def statements(risks: int) -> list[int]:
        with app.app_context():  # its own context: requests must not share the session's cache
            while db.session.scalar(select(db.func.count(Risk.id))) < risks:
                make_risk("SG", "Bulk", at=datetime(2013, 6, 1))
        paths = (REPORT, f"{REPORT}.md", f"{REPORT}.docx")
        return request_statements(app, client, [f"{path}?year={YEAR}" for path in paths])

    assert statements(3) == statements(40)
