"""No file riskreg writes, on the web or from the command line, holds a live formula: text a
user typed that a spreadsheet would run (=HYPERLINK(...), +cmd, -2+3, @SUM) is written with a
leading ' in a CSV, and as a string, never a formula, in a workbook. The downloads are found by
following every link as an admin, so a new download is checked without being listed here."""

import csv
import io
from urllib.parse import urljoin, urlsplit

from crawling import HREF, internal_links, walk
from helpers import (
    enter_value,
    make_action,
    make_challenge,
    make_control,
    make_indicator,
    make_meeting,
    make_risk,
)
from openpyxl import load_workbook

from riskreg import clock
from riskreg.domain import year_containing
from riskreg.extensions import db

FORMULAS = ['=HYPERLINK("http://evil.example","Click")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)"]
LIVE = ("=", "+", "-", "@", "\t", "\r")


def formula(n: int) -> str:
    return FORMULAS[n % len(FORMULAS)]


def seed(app):
    """A risk, its control, action and note, a meeting, an indicator with a value and a
    challenge, each text field starting like a formula; the risk's review is due, so the
    reminders list it."""
    with app.app_context():
        risk = make_risk(
            title=formula(0), statement=formula(1), causes=formula(2), consequences=formula(3),
            owner_name=formula(0), owner_role=formula(1), priority=formula(2),
            next_review=clock.today(),
        )  # fmt: skip
        make_control(risk, formula(1), owner=formula(2), assurance_source=formula(3))
        make_action(risk, formula(2), owner=formula(3), due_on=clock.today())
        make_meeting(clock.today(), title=formula(3), notes=formula(0))
        indicator = make_indicator(name=formula(0), definition=formula(1), risks=[risk])
        enter_value(indicator, "2025-26 Q1", 5, note=formula(2))
        make_challenge(risk=risk, question=formula(3))
        db.session.commit()


def cells_of(name: str, data: bytes) -> list[tuple[str, object, str]]:
    """(where, value, type) of every cell: a CSV's are text; a workbook's carry their type."""
    if name.endswith(".csv"):
        rows = csv.reader(io.StringIO(data.decode("utf-8-sig")))
        return [(f"{name} row {r}", v, "s") for r, row in enumerate(rows) for v in row]
    book = load_workbook(io.BytesIO(data))
    return [
        (f"{name} {sheet.title}!{cell.coordinate}", cell.value, cell.data_type)
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    ]


def live_formulas(name: str, data: bytes) -> list[str]:
    """A CSV's cell is run by a spreadsheet when its text starts like a formula; a workbook's
    when it is stored as one (text stored as a string stays text, whatever it starts with)."""
    return [
        f"{where}: {value!r}"
        for where, value, kind in cells_of(name, data)
        if kind == "f" or (name.endswith(".csv") and str(value).startswith(LIVE))
    ]


def test_no_download_on_any_page_holds_a_live_formula(app, login):
    seed(app)
    client = login("admin")
    year = year_containing(clock.today()).label
    downloads, found = set(), {}

    def visit(url):
        response = client.get(url)
        if response.status_code != 200 or response.mimetype != "text/html":
            return ()
        html = response.text
        for href in HREF.findall(html):
            parts = urlsplit(urljoin(url, href.replace("&amp;", "&")))
            if parts.path.endswith((".csv", ".xlsx")):
                downloads.add(parts.path + (f"?{parts.query}" if parts.query else ""))
        return internal_links(html, url)

    walk(visit, "/")
    walk(visit, f"/report/risks-and-challenges?year={year}", limit=5)
    assert {path.split("?")[0] for path in downloads} >= {
        "/risks.csv", "/risks.xlsx", "/challenges.csv", "/challenges.xlsx",
        "/indicators/values.csv", "/indicators/values.xlsx",
    }, downloads  # fmt: skip
    for path in sorted(downloads):
        response = client.get(path)
        assert response.status_code == 200, path
        found[path] = live_formulas(path.split("?")[0], response.data)
    assert {path: cells for path, cells in found.items() if cells} == {}


def test_no_file_a_command_writes_holds_a_live_formula(app, runner, tmp_path):
    seed(app)
    written = {
        "register.csv": ["register", "export", str(tmp_path / "register.csv")],
        "register.xlsx": ["register", "export", str(tmp_path / "register.xlsx")],
        "due.csv": ["reviews", "due", "--csv", str(tmp_path / "due.csv")],
        "values.csv": ["indicators", "export", str(tmp_path / "values.csv")],
        "values.xlsx": ["indicators", "export", str(tmp_path / "values.xlsx")],
    }
    found = {}
    for name, args in written.items():
        result = runner.invoke(args=args)
        assert result.exit_code == 0, (args, result.output)
        found[name] = live_formulas(name, (tmp_path / name).read_bytes())
    assert {name: cells for name, cells in found.items() if cells} == {}
