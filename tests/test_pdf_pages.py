"""The demo's risk summary and meeting pack as PDFs: rows flow from page to page with no forced
breaks, so no page but the last is left less than half full and the last is not blank; each
heading is on the page of its table's first row, and no row is split across pages."""

import html
import re
import subprocess

import pytest
from helpers import make_control, make_risk
from test_one_truth import TableReader, pdf_text

from riskreg.ui import pdf

MM = 72 / 25.4
TOP, BOTTOM = 16 * MM, 14 * MM  # summary_pdf.css's @page margins, where the running heads are
PAGE = re.compile(r'<page width="[\d.]+" height="([\d.]+)">(.*?)</page>', re.S)
WORD = re.compile(r'<word xMin="[\d.]+" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)"')
HIDDEN = re.compile(r'<(span|caption) class="[^"]*govuk-visually-hidden[^"]*">.*?</\1>', re.S)
SECTION = re.compile(  # a section's heading and note, above its table
    r'rr-summary__section-title"[^>]*>([^<]+)</h2>\s*<p class="[^"]*rr-summary__section-note">'
    r"([^<]+)</p>"
)


class CaptionedTables(TableReader):
    """TableReader's tables, each with its caption's text."""

    _caption = None

    def handle_starttag(self, tag, attrs):
        super().handle_starttag(tag, attrs)
        if tag == "caption":
            self._caption = []

    def handle_endtag(self, tag):
        if tag == "caption":
            self._stack[-1]["caption"] = " ".join("".join(self._caption).split())
            self._caption = None
        super().handle_endtag(tag)

    def handle_data(self, data):
        super().handle_data(data)
        if self._caption is not None:
            self._caption.append(data)


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


def headed_tables(document_html: str) -> list[tuple[str, list[list[str]]]]:
    """(heading, body rows) for every table with rows, as the PDF shows them: a section's table
    under its heading and note, every other table under its caption; hidden text left out."""
    visible = HIDDEN.sub("", document_html)
    reader = CaptionedTables()
    reader.feed(visible)
    sections = iter(
        html.unescape(" ".join(f"{h} {n}".split())) for h, n in SECTION.findall(visible)
    )
    found = []
    for table in reader.tables:
        heading = next(sections) if "rr-summary__table" in table["class"] else table["caption"]
        if table["rows"][1:]:
            found.append((heading, table["rows"][1:]))
    return found


@pytest.fixture
def make_pdf(login, monkeypatch):
    """make_pdf(url) -> (the HTML WeasyPrint was given, the PDF), signed in as a member."""
    client = login("member")
    given = []
    render = pdf.render_pdf

    def watched(document_html):
        given.append(document_html)
        return render(document_html)

    monkeypatch.setattr(pdf, "render_pdf", watched)

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
    document_html, document = make_pdf(url)
    fill = page_fill(document)
    assert len(fill) >= 2
    assert all(f >= 0.5 for f in fill[:-1]), [round(f, 2) for f in fill]  # none half empty
    assert fill[-1] > 0  # and the last is not blank

    pages = page_texts(document)
    tables = headed_tables(document_html)
    assert len(tables) >= 3  # the heat map's table, then a section's or more
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
        document_html, document = make_pdf("/summary.pdf")
        heading, rows = headed_tables(document_html)[-1]
        assert any(heading in page and rows[0][1] in page for page in page_texts(document)), count
