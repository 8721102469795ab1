"""The demo's risk summary and meeting pack as PDFs: rows flow from page to page with no forced
breaks, so no page but the last is left less than half full and the last is not blank; each
heading is on the page of its table's first row, and no row is split across pages."""

import re
import subprocess

import pytest
from helpers import make_control, make_risk
from test_one_truth import pdf_text

from riskreg.ui import pdf

MM = 72 / 25.4
TOP, BOTTOM = 16 * MM, 14 * MM  # _document.typ's page margins, where the running heads are
PAGE = re.compile(r'<page width="[\d.]+" height="([\d.]+)">(.*?)</page>', re.S)
WORD = re.compile(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)"')


def cell_text(cell) -> str:
    """A cell's pieces (meetings/printable.py) as the PDF prints them."""
    if isinstance(cell, str):
        return cell
    if isinstance(cell, list):
        return "".join(cell_text(piece) for piece in cell)
    if "tag" in cell:
        return cell["tag"]["text"] if cell["tag"] else "Not scored"
    if "items" in cell:
        return " ".join(cell_text(item) for item in cell["items"])
    return next(iter(cell.values()))


def page_fill(document: bytes) -> list[float]:
    """How far down its text area each page's text reaches: 0 for a blank page, 1 for full."""
    bbox = subprocess.run(
        ["pdftotext", "-bbox", "-", "-"], input=document, capture_output=True, check=True
    ).stdout.decode()
    fill = []
    for height, words in PAGE.findall(bbox):
        foot = float(height) - BOTTOM
        bottoms = [float(b) for t, b in WORD.findall(words) if float(t) > TOP and float(b) < foot]
        fill.append((max(bottoms, default=TOP) - TOP) / (foot - TOP))
    return fill


def headed_tables(data: dict) -> list[tuple[str, list[list[str]]]]:
    """(heading, body rows) for every table with rows, as the PDF shows them: a section's table
    under its heading and note, the changes' tables under their captions."""
    found = []
    for table in (data.get("changes") or {}).get("tables", []):
        rows = [[" ".join(cell_text(cell).split()) for cell in row] for row in table["rows"]]
        found.append((table["caption"], rows))
    for section in data["sections"]:
        rows = [[row["ref"], row["title"]] for row in section["rows"]]
        found.append((f"{section['name']} {section['note']}", rows))
    return found


@pytest.fixture
def make_pdf(login, monkeypatch):
    """make_pdf(url) -> (the data Typst was given, the PDF), signed in as a member."""
    client = login("member")
    given = []
    typeset = pdf.typeset

    def watched(template, data):
        given.append(data)
        return typeset(template, data)

    monkeypatch.setattr(pdf, "typeset", watched)

    def make(url):
        response = client.get(url)
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        return given.pop(), response.data

    return make


def page_texts(document: bytes) -> list[str]:
    return [" ".join(page.split()) for page in pdf_text(document, "-raw").split("\f")]


@pytest.mark.documents
@pytest.mark.parametrize("url", ["/summary.pdf", "/summary.pdf?changes=1"])
def test_pages_are_full_and_nothing_is_split(demo, app, make_pdf, url):
    data, document = make_pdf(url)
    fill = page_fill(document)
    assert len(fill) >= 2
    assert all(f >= 0.5 for f in fill[:-1]), [round(f, 2) for f in fill]  # none half empty
    assert fill[-1] > 0  # and the last is not blank

    pages = page_texts(document)
    tables = headed_tables(data)
    assert len(tables) >= 2  # a section's or more, after the changes' tables in a pack
    for heading, rows in tables:
        first = [cell for cell in rows[0] if cell]
        assert any(heading in page and all(c in page for c in first) for page in pages), heading
        for row in rows:
            cells = [cell for cell in row if cell]
            assert any(all(cell in page for cell in cells) for page in pages), (heading, row)


@pytest.mark.documents
def test_a_section_heading_is_never_left_at_the_foot_of_a_page(app, make_pdf):
    """Wherever the safeguarding section ends, the board section's heading is on the page of its
    first row: a tall one that, for each count tried, does not fit where the heading falls."""
    with app.app_context():
        board = make_risk(section="BR", title="Board risk", current=(5, 5))
        for n in range(4):
            make_control(board, f"Board control {n}: " + "long words " * 20)
    for count in range(1, 5):
        with app.app_context():
            make_risk(title=f"Safeguarding risk {count}", current=(count % 5 + 1, 3))
        data, document = make_pdf("/summary.pdf")
        heading, rows = headed_tables(data)[-1]
        assert any(heading in page and rows[0][1] in page for page in page_texts(document)), count
