"""A board manager prepares the annual report and takes the register away as a spreadsheet:
every file is downloaded through the page's own links and opened with its library."""

import csv
import io
import re
from datetime import timedelta

from docx import Document
from helpers import make_risk
from journeys import accessibility_violations, sign_in
from openpyxl import load_workbook
from playwright.sync_api import expect

from riskreg import clock
from riskreg.clock import now_utc
from riskreg.domain import year_containing


def download(page, link_name):
    with page.expect_download() as info:
        page.get_by_role("link", name=link_name).click()
    found = info.value
    with open(found.path(), "rb") as file:
        return found.suggested_filename, file.read()


def test_annual_report_and_register_downloads(app, page, users):
    with app.app_context():
        make_risk(
            "SG",
            "Front-line capacity",
            current=(4, 5),
            at=now_utc() - timedelta(days=3),
            statement="Capacity of front-line services to respond to demand.",
        )
        make_risk("BR", "Conference minutes", current=(2, 3), at=now_utc() - timedelta(days=3),
                  statement="The lack of timely distribution of conference minutes.")  # fmt: skip
    this_year = year_containing(clock.today()).label

    sign_in(page, users["member"])
    page.goto("/report/risks-and-challenges")
    expect(page.get_by_role("heading", level=1)).to_contain_text("key risks and challenges")
    assert accessibility_violations(page) == []

    page.get_by_label("Reporting year").select_option(this_year)
    page.get_by_label("Current score and band").check()
    page.get_by_role("button", name="Show report").click()
    expect(page).to_have_url(re.compile(rf"year={this_year}.*scores=1"))
    report = page.locator("article.rr-annual-report")
    expect(report.get_by_role("heading", name="Safeguarding risks and challenges")).to_be_visible()
    expect(report.locator("li[data-ref=SG-01]")).to_contain_text("20 Extreme")
    assert accessibility_violations(page) == []

    name, body = download(page, re.compile(r"Markdown \(\.md\)"))
    assert name == f"key-risks-and-challenges-{this_year}.md"
    markdown = body.decode("utf-8")
    assert "### Board risks and challenges" in markdown
    assert "- Capacity of front-line services to respond to demand. (20 Extreme)" in markdown

    name, body = download(page, re.compile(r"Word document \(\.docx\)"))
    assert name == f"key-risks-and-challenges-{this_year}.docx"
    document = Document(io.BytesIO(body))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 2"]
    assert headings[:2] == ["Safeguarding risks and challenges", "Board risks and challenges"]
    bullets = [p.text for p in document.paragraphs if p.style.name == "List Bullet"]
    assert bullets[0] == "Capacity of front-line services to respond to demand. (20 Extreme)"
    # likelihood 4, impact 5: the cell names its score and band, then its refs
    assert document.tables[0].rows[2].cells[5].text.splitlines() == ["20 Extreme", "SG-01"]

    # The register as spreadsheets, from the reports page.
    page.goto("/reports")
    name, body = download(page, "Register as CSV")
    assert re.fullmatch(r"risk-register-\d{4}-\d{2}-\d{2}\.csv", name)
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    assert [(r["Ref"], r["Current score"], r["Current band"]) for r in rows] == [
        ("SG-01", "20", "Extreme"),
        ("BR-01", "6", "Moderate"),
    ]

    name, body = download(page, "Register as Excel (XLSX)")
    assert re.fullmatch(r"risk-register-\d{4}-\d{2}-\d{2}\.xlsx", name)
    book = load_workbook(io.BytesIO(body))
    assert book.sheetnames == ["Register", "Assessments", "Scoring scheme"]
    sheet = book["Register"]
    assert [c.value for c in sheet["A"]] == ["Ref", "SG-01", "BR-01"]
    assert sheet["X2"].value == 20  # current score, in the Extreme red
    assert sheet["X2"].fill.fgColor.rgb == "00D4351C"
