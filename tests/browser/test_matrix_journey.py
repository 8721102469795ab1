"""A board that scores on 4 x 4 moves in: on an empty register the admin chooses the size and
puts in the board's own descriptors, a manager logs and scores a risk on it, and the heat map,
the summary PDF and the Word report all show the 4 x 4 grid."""

import io
import re
import subprocess

from docx import Document
from journeys import accessibility_violations, choose_score, sign_in
from playwright.sync_api import expect

from riskreg import clock
from riskreg.domain import year_containing


def no_violations(page):
    assert accessibility_violations(page) == [], page.url


def test_an_admin_chooses_4_by_4_and_a_manager_scores_on_it(page, users, agencies, live_server):
    sign_in(page, users["admin"])
    page.goto("/admin/scheme")
    page.get_by_role("button", name="Change the size of the matrix").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Size of the matrix")
    no_violations(page)
    page.get_by_role("button", name="Use this size").click()  # 5 x 5 chosen already
    expect(page.locator(".govuk-notification-banner")).to_contain_text("already 5 × 5")
    page.get_by_role("button", name="Change the size of the matrix").click()
    page.get_by_label(re.compile(r"4 × 4:")).check()
    page.get_by_role("button", name="Use this size").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("The matrix is now 4 × 4")
    expect(page.locator("#main-content")).to_contain_text("The matrix is 4 × 4")
    no_violations(page)

    # The board's own words for its top likelihood, with a letter for each level.
    page.get_by_role("button", name="Change the scoring scheme").click()
    no_violations(page)
    expect(page.get_by_role("group", name=re.compile(r"^Likelihood \d$"))).to_have_count(4)
    page.locator("#likelihood-3-descriptor").fill("Happening now in this area.")
    for n, letter in enumerate("DCBA"):  # A is the most likely, as the board writes it
        page.locator(f"#likelihood-{n}-label").fill(letter)
    page.locator("#bands-3-max").fill("25")
    page.get_by_role("button", name="Save the draft and preview it").click()
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Highest score must be between 1 and 16"
    )
    no_violations(page)
    page.locator("#bands-3-max").fill("16")
    page.get_by_role("button", name="Save the draft and preview it").click()
    page.get_by_role("button", name="Adopt as version 3").click()
    expect(page.locator(".govuk-caption-l")).to_have_text("Version 3, in use now")
    no_violations(page)
    page.get_by_role("button", name="Sign out").click()

    sign_in(page, users["manager"])
    page.goto("/risks/new")
    expect(page.get_by_role("group", name="Current likelihood", exact=True)).to_contain_text(
        "A High"
    )
    page.get_by_label("Board risks and challenges").check()
    page.get_by_label("Title").fill("Partners do not share information in time")
    page.get_by_label("Risk statement").fill("Agencies do not share information quickly enough.")
    page.get_by_label("Owner’s name").fill("Jo Bloggs")
    page.get_by_label("Lead agency").select_option(label="Police")
    for kind, (likelihood, impact) in {
        "Inherent": ("A High", "4 Critical"),
        "Current": ("B Medium", "3 Serious"),
    }.items():
        choose_score(page, f"{kind} likelihood", likelihood)
        choose_score(page, f"{kind} impact", impact)
    expect(page.locator('[data-score-preview^="current_"]')).to_have_text("Score 3 × 3 = 9 High")
    page.get_by_label("Reason for these scores").fill("Scored at the sub-group on our 4 × 4")
    page.get_by_role("button", name="Save risk").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text("BR-01 added")
    no_violations(page)

    page.goto("/heatmap")
    expect(page.locator(".rr-hm-compact__cell")).to_have_count(16)
    expect(page.locator("#heatmap-table tbody tr")).to_have_count(4)
    expect(page.locator("#heatmap-table")).to_contain_text("9 High BR-01")
    no_violations(page)

    # The summary PDF and the Word report draw the same 4 x 4 grid (the page's requests go
    # with its session).
    pdf = page.request.get(f"{live_server}/summary.pdf").body()
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    for words in ("BR-01", "Very low", "Critical", "Negligible"):
        assert words in text, words
    year = year_containing(clock.today()).label
    word = page.request.get(
        f"{live_server}/report/risks-and-challenges.docx?year={year}&scores=1"
    ).body()
    grid = Document(io.BytesIO(word)).tables[0]
    assert len(grid.rows) == 5 and len(grid.columns) == 5  # the labels, and 4 x 4
    assert [row.cells[0].text for row in grid.rows[1:]] == [
        "A High",
        "B Medium",
        "C Low",
        "D Very low",
    ]
    assert "9 High" in grid.rows[2].cells[3].text and "BR-01" in grid.rows[2].cells[3].text
