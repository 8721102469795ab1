"""One truth: every output shows each risk with the same current score and band name, for the
demo register and for a generated one.

OUTPUTS maps an output's name to a function (client) -> {ref: (score, band name)}, read the way
a person would read that output: the register, heat map and summary pages, the summary PDF, the
annual report's Word and Markdown files, and the CSV and XLSX exports. A new output adds its
reader here."""

import random
import re
import subprocess
from html.parser import HTMLParser

import pytest
from helpers import make_risk

from riskreg import clock

# Every test here reads the summary PDF among the outputs: run once, in the SQLite pass.
pytestmark = pytest.mark.documents

SCORE_BAND = re.compile(r"(\d+) (Low|Medium|Moderate|High|Extreme)\b|Not scored")


class TableReader(HTMLParser):
    """Every table on a page as rows of cell text, with each table's id and class."""

    def __init__(self):
        super().__init__()
        self.tables, self._stack, self._row, self._cell = [], [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self._stack.append({"id": attrs.get("id", ""), "class": attrs.get("class", ""),
                                "rows": []})  # fmt: skip
        elif tag == "tr" and self._stack:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
        elif tag in ("br", "li") and self._cell is not None:
            self._cell.append(" ")

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self._stack[-1]["rows"].append(self._row)
            self._row = None
        elif tag == "table" and self._stack:
            self.tables.append(self._stack.pop())

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def tables(html):
    reader = TableReader()
    reader.feed(html)
    return reader.tables


def score_band(text):
    match = SCORE_BAND.search(text)
    return (int(match.group(1)), match.group(2)) if match and match.group(1) else None


def current_by_ref(html):
    """{ref: (score, band)} from every table with Ref and Current columns, read by heading."""
    found = {}
    for table in tables(html):
        header = next((row for row in table["rows"] if "Ref" in row and "Current" in row), None)
        if header is None:
            continue
        ref_at, current_at = header.index("Ref"), header.index("Current")
        for row in table["rows"]:
            if row is not header and len(row) == len(header):
                found[row[ref_at]] = score_band(row[current_at])
    return found


def register_page(client):
    return current_by_ref(client.get("/risks?page_size=1000").text)


def heatmap_page(client):
    """From the heat map's table equivalent: each cell's score and band, and the refs in it."""
    html = client.get("/heatmap").text
    (table,) = [t for t in tables(html) if t["id"] == "heatmap-table"]
    found = {}
    for row in table["rows"][1:]:
        for cell in row[1:]:
            words = cell.replace("no risks", "").replace("(above appetite)", "")
            score, band, *refs = words.split()
            for ref in refs:
                found[ref] = (int(score), band)
    return found


def summary_page(client):
    return current_by_ref(client.get("/summary").text)


def pdf_text(pdf: bytes, *options: str) -> str:
    result = subprocess.run(
        ["pdftotext", *options, "-", "-"], input=pdf, capture_output=True, check=True
    )
    return result.stdout.decode()


def summary_pdf_text(client) -> str:
    response = client.get("/summary.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    return " ".join(pdf_text(response.data, "-raw").split())


def summary_pdf_heatmap(client):
    """From the PDF's heat map, as a reader finds each ref: in the cell whose score and band
    it is printed under (the map is drawn before its key)."""
    text = summary_pdf_text(client)
    grid = text.split("Current scores, all sections", 1)[1].split(" Key ", 1)[0]
    found = {}
    for match in re.finditer(r"\b[A-Z]{2,8}-\d+\b", grid):
        cell = list(SCORE_BAND.finditer(grid, 0, match.start()))[-1]
        found[match.group(0)] = score_band(cell.group(0))
    return found


def summary_pdf(client):
    """From the PDF's text: the register part, one risk per row, its scores in column order
    (inherent, current, target)."""
    text = summary_pdf_text(client)
    # The register follows the heat map and its table, from the first section's note on.
    register = text.split("highest current score first", 1)[1]
    found = {}
    for match in re.finditer(r"\b([A-Z]{2,8}-\d+) (.*?)(?=\b[A-Z]{2,8}-\d+ |Page \d+ of|$)",
                             register):  # fmt: skip
        ref, rest = match.groups()
        scores = list(SCORE_BAND.finditer(rest))
        if len(scores) >= 3:
            found[ref] = score_band(scores[1].group(0))
    return found


OUTPUTS = {
    "register page": register_page,
    "heat map": heatmap_page,
    "summary page": summary_page,
    "summary PDF": summary_pdf,
    "summary PDF's heat map": summary_pdf_heatmap,
}


def truth(app):
    from riskreg.readmodel import register_rows

    with app.app_context():
        return {row.ref: (row.current.score, row.current.band.name) for row in register_rows()}


def assert_one_truth(app, client):
    expected = truth(app)
    assert expected
    for name, read in OUTPUTS.items():
        assert read(client) == expected, name


def test_demo_register_agrees_across_outputs(demo, app, login):
    client = login("member")
    assert_one_truth(app, client)


def test_outputs_agree_after_a_scheme_version_is_adopted(demo, app, login):
    """High shrinks to 8-10 and Extreme grows to 12-25: once version 2 is adopted, every output
    shows the demo's 12s as Extreme, and every open risk reads in the version in use."""
    from test_admin import adopt_scheme, default_bands, scheme_post, with_bands

    from riskreg.readmodel import active_scheme, register_rows

    client = login("admin")
    with app.app_context():
        bands = default_bands()
        bands[2]["max"], bands[3]["min"] = 10, 12
        post = scheme_post(with_bands(bands))
    assert adopt_scheme(app, client, post).status_code == 302
    with app.test_request_context():
        scheme, rows = active_scheme(), register_rows()
        assert scheme.version == 2
        for row in rows:
            for scoring in (row.inherent, row.current, row.target):
                assert scoring is None or scoring.band.name == scheme.band_for(scoring.score).name
        assert any(row.current.score == 12 for row in rows)
    assert_one_truth(app, client)
    assert all(band == "Extreme" for score, band in truth(app).values() if score == 12)


@pytest.mark.parametrize("size, seed", [((5, 5), 4), ((4, 4), 5), ((3, 3), 6), ((6, 4), 7)])
def test_generated_register_agrees_across_outputs(app, login, size, seed):
    """On each size of matrix: the admin chooses it before anything is scored, then 30 risks
    are scored at random on it."""
    if size != (5, 5):
        chosen = login("admin").post("/admin/scheme/size", data={"size": "{}x{}".format(*size)})
        assert chosen.status_code == 302
    client = login("member")
    chance = random.Random(seed)
    with app.app_context():
        for n in range(30):
            pair = lambda: (chance.randint(1, size[0]), chance.randint(1, size[1]))  # noqa: E731
            make_risk(
                section=chance.choice(["SG", "BR"]),
                title=f"Generated risk {n}",
                inherent=pair(),
                current=pair(),
                target=pair(),
            )
    assert_one_truth(app, client)


# --- The annual report (Word, Markdown) and the spreadsheets (CSV, XLSX) --------------------


def annual_report(client, extension):
    """The annual report for the year running now: its heat map is the register as it is."""

    from riskreg.domain import year_containing

    year = year_containing(clock.today()).label
    response = client.get(f"/report/risks-and-challenges.{extension}?year={year}&scores=1")
    assert response.status_code == 200
    return response.data


def word_document(client):
    """From the Word heat map table: each cell's score and band as written at its top ("12 High",
    which must be the score its row and column labels give and the band its shading has in the
    key), and the refs written below it."""
    import io

    from docx import Document
    from docx.oxml.ns import qn

    def fill(cell):
        shading = cell._tc.tcPr.find(qn("w:shd"))
        return shading.get(qn("w:fill"))

    heatmap, key = Document(io.BytesIO(annual_report(client, "docx"))).tables
    band_of = {fill(row.cells[0]): row.cells[0].text for row in key.rows}
    columns = [int(cell.text.split()[0]) for cell in heatmap.rows[0].cells[1:]]
    found = {}
    for row in heatmap.rows[1:]:
        level = int(row.cells[0].text.split()[0])
        for column, cell in zip(columns, row.cells[1:], strict=True):
            named, *refs = [p.text for p in cell.paragraphs]
            written = score_band(named)
            assert written == (level * column, band_of[fill(cell)]), (level, column, named)
            for ref in filter(None, ", ".join(refs).split(", ")):
                found[ref] = written
    return found


def markdown_document(client):
    """From the Markdown heat map table: "Band: **refs**" in each cell; score from the labels."""
    lines = annual_report(client, "md").decode().splitlines()
    table = [line for line in lines if line.startswith("| ")]
    columns = [int(label.split()[0]) for label in table[0].strip("| ").split(" | ")[1:]]
    found = {}
    for line in table[1:]:
        label, *cells = line.strip("| ").split(" | ")
        for column, cell in zip(columns, cells, strict=True):
            band, _, refs = cell.partition(": ")
            for ref in filter(None, refs.strip("*").split(", ")):
                found[ref] = (int(label.split()[0]) * column, band)
    return found


def csv_export(client):
    import csv
    import io

    response = client.get("/risks.csv")
    assert response.status_code == 200
    rows = csv.DictReader(io.StringIO(response.data.decode("utf-8-sig")))
    return {row["Ref"]: (int(row["Current score"]), row["Current band"]) for row in rows}


def xlsx_export(client):
    import io

    from openpyxl import load_workbook

    response = client.get("/risks.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data))["Register"]
    header, *rows = sheet.iter_rows(values_only=True)
    ref, score, band = (header.index(name) for name in ("Ref", "Current score", "Current band"))
    return {row[ref]: (row[score], row[band]) for row in rows}


OUTPUTS.update(
    {
        "annual report (Word)": word_document,
        "annual report (Markdown)": markdown_document,
        "register CSV": csv_export,
        "register XLSX": xlsx_export,
    }
)
