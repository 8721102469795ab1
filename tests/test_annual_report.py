"""The annual report's "Key risks and challenges" section: page, Markdown and Word."""

import io
import re
import subprocess
from datetime import date, datetime

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import RGBColor
from helpers import make_risk, request_statements
from sqlalchemy import select

from riskreg import clock
from riskreg.domain import last_complete_year, parse_year, relative_luminance
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
    assert lines[0] == "## Summary of safeguarding activity 2013-14"
    assert "## Key risks and challenges 2013-14" in lines
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
    assert [p.text for p in likely_5[4].paragraphs] == ["20 Extreme", "SG-01"]
    assert shading(likely_5[4]) == "D4351C"  # 20: Extreme red
    assert likely_5[4].paragraphs[0].runs[0].font.color.rgb == RGBColor(0xFF, 0xFF, 0xFF)
    possible = heatmap.rows[3].cells
    assert [p.text for p in possible[3].paragraphs] == ["9 High", "SG-05, BR-01"]
    assert shading(possible[3]) == "F47738"  # 9: High amber
    assert [p.text for p in possible[1].paragraphs] == ["3 Low"]  # no risks: the band alone
    assert shading(heatmap.rows[5].cells[1]) == "00703C"  # 1: Low green
    assert shading(heatmap.rows[0].cells[1]) is None  # axis labels are not shaded
    assert [row.cells[0].text for row in legend.rows] == ["Low", "Moderate", "High", "Extreme"]
    assert shading(legend.rows[1].cells[0]) == "FFDD00"


def contrast(one: str, other: str) -> float:
    lighter, darker = sorted(map(relative_luminance, (one, other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_word_is_arial_throughout_and_its_heat_map_reads_on_its_colours(login, year_register):
    document = Document(io.BytesIO(login().get(f"{REPORT}.docx?year={YEAR}").data))
    for name in ("Normal", "Heading 1", "Heading 2", "List Bullet", "Table Grid"):
        fonts = document.styles[name].element.rPr.rFonts
        scripts = {a: fonts.get(qn(f"w:{a}")) for a in ("ascii", "hAnsi", "eastAsia", "cs")}
        assert scripts == dict.fromkeys(scripts, "Arial"), name
        assert not [a for a in fonts.attrib if a.endswith("Theme")], name  # no theme fonts
    for name in ("Heading 1", "Heading 2"):
        assert document.styles[name].font.color.rgb == RGBColor(0x0B, 0x0C, 0x0C)
    body = [r for p in document.paragraphs for r in p.runs if r.font.name not in (None, "Arial")]
    assert not body  # no run names another font

    heatmap, legend = document.tables
    for row in [*heatmap.rows[1:], *legend.rows]:
        for cell in row.cells:
            fill = shading(cell)
            if fill is None:
                continue  # the axis labels and the key's words: black on white
            for run in (r for p in cell.paragraphs for r in p.runs):
                assert contrast(f"#{fill}", f"#{run.font.color.rgb}") >= 4.5, cell.text
    for row in heatmap.rows:
        assert row._tr.trPr.find(qn("w:cantSplit")) is not None
    assert heatmap.rows[0].cells[5].width == heatmap.columns[5].width  # fixed widths
    assert all(p.paragraph_format.keep_with_next for p in heatmap.rows[4].cells[2].paragraphs)
    assert not heatmap.rows[-1].cells[2].paragraphs[0].paragraph_format.keep_with_next


def test_statement_count_does_not_grow_with_the_register(login, app):
    client = login()

    def statements(risks: int) -> list[int]:
        with app.app_context():  # its own context: requests must not share the session's cache
            while db.session.scalar(select(db.func.count(Risk.id))) < risks:
                make_risk("SG", "Bulk", at=datetime(2013, 6, 1))
        paths = (REPORT, f"{REPORT}.md", f"{REPORT}.docx")
        return request_statements(app, client, [f"{path}?year={YEAR}" for path in paths])

    assert statements(3) == statements(40)


# --- The Word file as LibreOffice lays it out (Liberation Sans measures as Arial does) -------

# The heat map's row labels: one on a page means that row is there.
ROWS = ("5 Almost certain", "4 Likely", "3 Possible", "2 Unlikely", "1 Rare")


def demo_word_reports(app, client, pads: range) -> list[bytes]:
    """The demo register's report (the caller asks for the `demo` fixture) with the lead
    paragraph longer and longer, under a line at a time, so that the page's end meets the heat
    map at every point of its height."""
    from riskreg.domain import year_containing

    year = year_containing(clock.today()).label
    reports = []
    for n in pads:
        with app.app_context():
            db.session.merge(Setting(key="annual_report_lead", value=f"{DEFAULT_LEAD} {PAD * n}"))
            db.session.commit()
        response = client.get(f"{REPORT}.docx?year={year}&scores=1&direction=1")
        assert response.status_code == 200
        reports.append(response.data)
    return reports


PAD = "Partners report to the Board on each of these risks every quarter. "


def pdf_pages(path) -> list[str]:
    """Each page's text as `pdftotext -layout` lays it out."""
    info = subprocess.run(["pdfinfo", path], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M)[1])
    return [
        subprocess.run(
            ["pdftotext", "-layout", "-f", str(n), "-l", str(n), path, "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout  # fmt: skip
        for n in range(1, pages + 1)
    ]


@pytest.mark.documents
def test_the_word_heat_map_is_on_one_page_with_whole_words(demo, app, login, tmp_path):
    files = []
    for n, report in enumerate(demo_word_reports(app, login("member"), pads=range(4, 22))):
        files.append(tmp_path / f"report-{n}.docx")
        files[-1].write_bytes(report)
    subprocess.run(
        ["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
         "--convert-to", "pdf", "--outdir", str(tmp_path), *map(str, files)],
        capture_output=True, check=True, timeout=300,
    )  # fmt: skip
    for docx in files:
        pages = pdf_pages(docx.with_suffix(".pdf"))
        with_rows = sorted({n for n, text in enumerate(pages, 1) for row in ROWS if row in text})
        assert len(with_rows) == 1, f"{docx.name}: the heat map's rows are on pages {with_rows}"
        page = pages[with_rows[0] - 1]
        assert all(row in page for row in ROWS)
        assert "Heat map: Current scores" in page  # its heading goes with it
        assert "5 Catastrophic" in page  # the header fits the word on one line
        everything = "\n".join(pages)
        assert not re.search(r"Catastrophi\s*\n", everything)  # and no word breaks anywhere
        for band in ("Low", "Moderate", "High", "Extreme"):
            assert re.search(rf"\b\d+ {band}\b", page), f"no cell names {band}"
